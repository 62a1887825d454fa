/** SQL: the real Postgres parser, statements with positions, code frames. */
export { loadParser } from './parser.js';
export { splitStatements, checkScript, needsNoTransaction, relationsOf, relationsIn, toRunnable, type Statement, type RunnableStatement, type AstNode } from './statements.js';
export { codeFrame, lineColumn, byteToChar, type Location } from './location.js';
