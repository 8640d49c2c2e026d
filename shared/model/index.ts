export * from './peer';
export * from './message';
export * from './settings';
export * from './events';
export * from './echo';
export * from './diagnostics';
export * from './unsafe-characters';
