export const productSub = (): string => navigator.productSub;
