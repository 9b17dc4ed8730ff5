export * from './MatrixError.js';
export * from './CoreError.js';
