/** Pigeon's version, as it appears in the IPMsg version field ("1_pigeon 0.1.0"). */
export const PIGEON_VERSION = '0.1.0';
