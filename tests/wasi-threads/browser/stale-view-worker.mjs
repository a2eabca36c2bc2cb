// The worker of stale-view.html: see stale-view-module.mjs.
import { serve } from './stale-view-module.mjs';

onmessage = ({ data: { memory } }) => serve(memory, (m) => postMessage(m));
