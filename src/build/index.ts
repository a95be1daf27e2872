// The Dockerfile front end of the builder: parser (BuildKit-compatible AST and its dump), typed
// instructions, and shell-word expansion. Nothing here touches images, snapshots or the network.
export { parseDockerfile, formatWarnings, type ParseOptions, type ParseResult } from './parser/parser.js';
export { dumpAst, nodeValues, type Node, type Heredoc } from './parser/node.js';
export { DockerfileParseError } from './parser/parse-error.js';
export { ShellLex, type ShellEnv, type ShellLexOptions, type ProcessWordResult } from './parser/shell-lex.js';
export { parseHeredoc, mustParseHeredoc, chompHeredocContent } from './parser/heredoc.js';
export { instructionsFromAst, instructionFromNode } from './parser/instructions.js';
export { EXPANDS } from './parser/instruction-types.js';
export type * from './parser/instruction-types.js';
export { Builder } from './builder/builder.js';
export type { BuildOptions, BuildPorts, RunOptions, RunResult } from './builder/types.js';
