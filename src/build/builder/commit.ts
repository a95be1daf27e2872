// Intermediate and final images as Docker 20.10's legacy builder commits them (image.NewChildImage): the
// parent's history plus one entry whose created_by is the container config's Cmd joined by spaces, the
// layer appended to rootfs unless it is the empty tar (then the entry is marked empty_layer), `container`
// and container_config describing the step, config the state after it.
import { randomBytes } from 'node:crypto';
import { DOCKER_VERSION, goContainerConfig, goJson, nowRfc3339Nano, sortedKeys, type ImageConfig, type ImageRecord } from '../../images/index.js';
import type { BuildPorts, Json } from './types.js';

/** sha256 of a tar holding only the two 512-byte end blocks: Docker's DigestSHA256EmptyTar. */
export const EMPTY_TAR_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export interface ImageState {
  /** '' for a stage on scratch before its first commit. */
  imageId: string;
  base: ImageConfig;
  diffIds: string[];
  chainId: string | undefined;
}

export function stateOf(rec: ImageRecord): ImageState {
  return { imageId: rec.id, base: rec.config, diffIds: rec.diffIds, chainId: rec.chainId };
}

export const SCRATCH: ImageState = { imageId: '', base: {}, diffIds: [], chainId: undefined };

export const newContainerId = (): string => randomBytes(32).toString('hex');

export interface CommitInput {
  parent: ImageState;
  /** The run config after the step. */
  config: Json;
  /** What the step "ran" (Cmd is the history's created_by). */
  containerConfig: Json;
  containerId?: string;
  author?: string;
  /** The writable snapshot holding the step's changes; undefined for metadata-only steps. */
  snapshot?: string;
}

export async function commitStep(ports: BuildPorts, input: CommitInput): Promise<ImageRecord> {
  const { parent } = input;
  let diffIds = parent.diffIds;
  let empty = true;
  if (input.snapshot) {
    const info = await ports.images.commitSnapshot(input.snapshot);
    if (info.diffId !== EMPTY_TAR_DIFF_ID) { diffIds = [...diffIds, info.diffId]; empty = false; }
  }
  const created = nowRfc3339Nano();
  const cmd = (input.containerConfig.Cmd as string[] | null) ?? [];
  const hist: Json = { created };
  if (input.author) hist.author = input.author;
  hist.created_by = cmd.join(' ');
  if (empty) hist.empty_layer = true;
  const b = parent.base;
  const img = sortedKeys({
    architecture: b.architecture ?? goArch(),
    author: input.author || undefined,
    config: goContainerConfig(input.config),
    container: input.containerId,
    container_config: goContainerConfig(input.containerConfig),
    created,
    docker_version: DOCKER_VERSION,
    history: [...(b.history ?? []), hist],
    os: b.os ?? 'linux',
    rootfs: diffIds.length ? { type: 'layers', diff_ids: diffIds } : { type: 'layers' },
    variant: b.variant || undefined,
  });
  return ports.images.addImage(Buffer.from(goJson(img)), parent.imageId ? { parent: parent.imageId } : {});
}

function goArch(): string {
  const m: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return m[process.arch] ?? process.arch;
}
