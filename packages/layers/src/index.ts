/**
 * `@loom/layers`: modules, parameters, initializers, recurrent cells, the `Recurrent` unroller, losses and
 * optimizers, all composed from `@loom/core` ops. Its contents arrive with the layers issue (#4); until then the
 * package builds and exports nothing.
 *
 * @module
 */
export {};
