/**
 * The preload: runs sandboxed, before the page, with access to ipcRenderer. It exposes exactly
 * one thing, `window.pigeon`, built by the contract's createApi over IPC, and nothing else: no
 * ipcRenderer, no generic send/invoke, no Node. build.mjs bundles this into one CommonJS file,
 * because a sandboxed preload can require only 'electron'.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createApi } from '../../shared/contract';
import { createIpcTransport } from './ipc-transport';

contextBridge.exposeInMainWorld('pigeon', createApi(createIpcTransport(ipcRenderer)));
