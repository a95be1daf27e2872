// docker/cli's "--format raw" templates (formatter.RawFormatKey), one per list: each row is printed with a
// "\n" after it, so a format ending in a newline leaves a blank line between rows. Templates are written with
// two-character `\n`s where docker/cli's are (prepareFormat turns them into newlines).

/** formatter.NewContainerFormat(raw, quiet, size). */
export function rawContainerFormat(quiet: boolean, size: boolean): string {
  if (quiet) return 'container_id: {{.ID}}';
  const base = 'container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\ncreated_at: {{.CreatedAt}}\n'
    + 'state: {{- pad .State 1 0}}\nstatus: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\n'
    + 'ports: {{- pad .Ports 1 0}}\n';
  return size ? `${base}size: {{.Size}}\n` : base;
}

/** formatter.NewImageFormat(raw, quiet, digest). */
export function rawImageFormat(quiet: boolean, digest: boolean): string {
  if (quiet) return 'image_id: {{.ID}}';
  return `repository: {{ .Repository }}\ntag: {{.Tag}}\n${digest ? 'digest: {{.Digest}}\n' : ''}image_id: {{.ID}}\n`
    + 'created_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n';
}

/** formatter.NewVolumeFormat(raw, quiet). */
export function rawVolumeFormat(quiet: boolean): string {
  return quiet ? 'name: {{.Name}}' : 'name: {{.Name}}\ndriver: {{.Driver}}\n';
}

/** formatter.NewBuildCacheFormat(raw, false). */
const RAW_BUILD_CACHE = 'cache_id: {{.ID}}\nparent_id: {{.Parent}}\nbuild_cache_type: {{.CacheType}}\ndescription: {{.Description}}\n'
  + 'created_at: {{.CreatedAt}}\ncreated_since: {{.CreatedSince}}\nlast_used_at: {{.LastUsedAt}}\nlast_used_since: {{.LastUsedSince}}\n'
  + 'usage_count: {{.UsageCount}}\nin_use: {{.InUse}}\nshared: {{.Shared}}\n';

/** formatter.NewDiskUsageFormat(raw, verbose): the summary rows, or one template over all four lists. */
export function rawDiskUsageFormat(verbose: boolean): string {
  if (!verbose) return 'type: {{.Type}}\ntotal: {{.TotalCount}}\nactive: {{.Active}}\nsize: {{.Size}}\nreclaimable: {{.Reclaimable}}\n';
  return `{{range .Images}}type: Image\n${rawImageFormat(false, true)}\n{{end -}}\n`
    + `{{range .Containers}}type: Container\n${rawContainerFormat(false, true)}\n{{end -}}\n`
    + `{{range .Volumes}}type: Volume\n${rawVolumeFormat(false)}\n{{end -}}\n`
    + `{{range .BuildCache}}type: Build Cache\n${RAW_BUILD_CACHE}\n{{end -}}\n`;
}
