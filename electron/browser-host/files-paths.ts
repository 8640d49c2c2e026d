/** Where the page's bridge reaches the host's file endpoints (outside the renderer's files). */
export const STAGE_PATH = '/files/stage';
export const DOWNLOAD_PREFIX = '/files/download/';
