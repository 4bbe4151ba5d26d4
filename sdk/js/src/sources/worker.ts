import { fail } from './source';

// Runs inside the worker: the same signals, read where page-level patches do not reach.
const WORKER_SOURCE = `var n=self.navigator,r;try{var c=new OffscreenCanvas(1,1).getContext('webgl'),e=c&&c.getExtension('WEBGL_debug_renderer_info');r=c?String(c.getParameter(e?e.UNMASKED_RENDERER_WEBGL:c.RENDERER)):{error:'unsupported'}}catch(x){r={error:'threw: '+String(x&&x.message).slice(0,80)}}postMessage({userAgent:n.userAgent,platform:n.platform,hardwareConcurrency:n.hardwareConcurrency,languages:n.languages?Array.from(n.languages):null,webglRenderer:r})`;

/** Navigator fields and the WebGL renderer as a dedicated Web Worker sees them. */
export function worker(): Promise<unknown> {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined') return fail('unsupported');
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return new Promise((resolve, reject) => {
    let thread: Worker;
    const done = () => {
      thread.terminate();
      URL.revokeObjectURL(url);
    };
    try {
      thread = new Worker(url);
    } catch {
      URL.revokeObjectURL(url);
      fail('blocked');
    }
    thread.onmessage = (message) => {
      done();
      resolve(message.data);
    };
    thread.onerror = (event) => {
      event.preventDefault();
      done();
      reject(new Error('worker error'));
    };
  });
}
