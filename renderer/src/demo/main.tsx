import { startApp } from '../app/start-app';
import { createFakeApi } from './fake-api';

// demo.html: the app on an in-memory fake engine with sample data, for development, screenshots
// and the UI benchmark. The query string picks the data (see createFakeApi).
void startApp(createFakeApi(new URLSearchParams(window.location.search)));
