// NetworkSettings for inspect and ps until bridge networking exists (issue 6): containers in the default
// mode share the host's network stack, so there are no addresses to show; Docker's empty shapes are kept.
import type { ContainerRecord } from '../containers/index.js';

export function networkView(rec: ContainerRecord): { settings: Record<string, unknown>; summary: Record<string, unknown> } {
  const mode = rec.HostConfig.NetworkMode === 'default' ? 'bridge' : rec.HostConfig.NetworkMode;
  const endpoint = {
    IPAMConfig: null, Links: null, Aliases: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '',
    IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '', DriverOpts: null,
  };
  const networks = mode.startsWith('container:') ? {} : { [mode]: endpoint };
  return {
    settings: {
      Bridge: '', SandboxID: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: {},
      SandboxKey: '', SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '',
      GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
      Networks: networks,
    },
    summary: { Networks: networks },
  };
}
