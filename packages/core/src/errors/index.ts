export * from './MatrixError.js';
