/** Test doubles for the engine: see README.md in this folder. */
export * from './fake-clock';
export * from './fake-network';
export * from './scripted-peer';
export * from './engine-harness';
