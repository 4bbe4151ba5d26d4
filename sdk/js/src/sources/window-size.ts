/** Inner and outer window sizes; headless browsers often report outer = inner or 0. */
export const windowSize = () => ({
  innerWidth: window.innerWidth,
  innerHeight: window.innerHeight,
  outerWidth: window.outerWidth,
  outerHeight: window.outerHeight,
});
