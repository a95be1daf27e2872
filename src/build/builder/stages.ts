// Splitting the typed instructions into the global ARGs and the stages, and choosing which stages a build
// needs: the target (or last) stage and, transitively, the stages it names in FROM or COPY --from.
import { InvalidParameter } from '../../errors.js';
import type { ArgInstruction, FromInstruction, Instruction } from '../parser/instruction-types.js';

export interface Stage {
  index: number;
  name?: string;
  from: FromInstruction;
  commands: Instruction[];
}

export function splitStages(instructions: Instruction[]): { metaArgs: ArgInstruction[]; stages: Stage[] } {
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.kind === 'from') {
      stages.push({ index: stages.length, name: ins.stageName?.toLowerCase(), from: ins, commands: [] });
      continue;
    }
    const cur = stages[stages.length - 1];
    if (!cur) {
      if (ins.kind !== 'arg') throw new InvalidParameter('no build stage in current context');
      metaArgs.push(ins);
      continue;
    }
    cur.commands.push(ins);
  }
  if (stages.length === 0) throw new InvalidParameter('no build stage in current context');
  return { metaArgs, stages };
}

export function findStage(stages: Stage[], nameOrIndex: string, before: number): Stage | undefined {
  const lower = nameOrIndex.toLowerCase();
  const byName = stages.find((s) => s.index < before && s.name === lower);
  if (byName) return byName;
  if (/^\d+$/.test(nameOrIndex)) {
    const i = Number(nameOrIndex);
    if (i < before) return stages[i];
  }
  return undefined;
}

/**
 * The stages to build, in order: the target and everything it depends on. `resolveFrom` expands a FROM's
 * image name (it may use global ARGs) so a stage named through a variable is still found.
 */
export function neededStages(stages: Stage[], target: Stage, resolveFrom: (s: Stage) => string): Stage[] {
  const need = new Set<number>();
  const visit = (s: Stage): void => {
    if (need.has(s.index)) return;
    need.add(s.index);
    const base = findStage(stages, resolveFrom(s), s.index);
    if (base) visit(base);
    for (const c of s.commands) {
      if (c.kind === 'copy' && c.from) {
        const dep = findStage(stages, c.from, s.index);
        if (dep) visit(dep);
      }
    }
  };
  visit(target);
  return stages.filter((s) => need.has(s.index));
}
