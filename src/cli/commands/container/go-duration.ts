// Go's time.ParseDuration lives in units/, shared with the builder and compose.
export { parseGoDuration } from '../../../units/index.js';
