import { fail } from './source';

/** The unmasked WebGL vendor and renderer (SwiftShader and llvmpipe betray software GL). */
export function webgl() {
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl') ||
    canvas.getContext('experimental-webgl')) as WebGLRenderingContext | null;
  if (!gl) return fail('unsupported');
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const result = {
    vendor: String(gl.getParameter(info ? info.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
    renderer: String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
  };
  const lose = gl.getExtension('WEBGL_lose_context');
  if (lose) lose.loseContext();
  return result;
}
