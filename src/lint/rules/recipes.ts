/** Texts several rules share: the expand/contract recipe and the phase message. */

/** The message suffix and recipe for a contract operation in a `pre` migration. */
export function postPhaseOnly(what: string, recipe: string): { message: string; help: string } {
  return {
    message: `${what}: this belongs in a post-deploy migration (old application instances still running during a pre migration break)`,
    help: `Move it to a file with \`-- cutover:phase post\`, run after every instance runs the new version. Expand/contract: ${recipe}`,
  };
}
