export * from './peer';
export * from './message';
export * from './settings';
export * from './events';
