/**
 * Placeholder entry point: this package is part of the HumanGov layout (see DESIGN.md) and gains its API in a
 * later issue. It exports only its version so that it builds, packs and passes the packaging checks today.
 */
export const version = '0.1.0';
