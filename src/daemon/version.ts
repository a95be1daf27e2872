// The engine's version strings, reported by /version and `wharfd --version`.
export const VERSION = '0.1.0';
/** The Engine API version wharfd speaks and the oldest it accepts (dockerd 20.10's range). */
export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.12';
