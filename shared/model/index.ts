export * from './peer';
export * from './message';
export * from './settings';
export * from './echo';
export * from './diagnostics';
export * from './outcome';
export * from './transfer';
export * from './history';
