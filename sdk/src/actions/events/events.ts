import type { Address, Client, Log, WatchContractEventReturnType } from "viem";
import { watchContractEvent } from "viem/actions";

import { motifCertificateAbi, motifLicensingAbi } from "../../abis/index.js";
import { type GetEventLogsErrorType, getEventLogs } from "./getEventLogs.js";

/** Which Motif events: pattern mints, recipes and datasets certified, licenses granted, usage reported. */
export type MotifEventKind = "mints" | "recipes" | "datasets" | "licenses" | "usage";

const source = {
  mints: { abi: motifCertificateAbi, eventName: "CertificateMinted", contract: "certificate" },
  recipes: { abi: motifCertificateAbi, eventName: "RecipeMinted", contract: "certificate" },
  datasets: { abi: motifCertificateAbi, eventName: "DatasetMinted", contract: "certificate" },
  licenses: { abi: motifLicensingAbi, eventName: "LicenseGranted", contract: "licensing" },
  usage: { abi: motifLicensingAbi, eventName: "UsageReported", contract: "licensing" },
} as const;

/** A decoded Motif event: the log plus its named arguments. */
export type MotifEventLog = Log & { eventName: string; args: Record<string, unknown> };

export type GetMotifEventsParameters = {
  kind: MotifEventKind;
  addresses: { certificate: Address; licensing: Address };
  fromBlock?: bigint;
  toBlock?: bigint;
};
export type GetMotifEventsReturnType = MotifEventLog[];
export type GetMotifEventsErrorType = GetEventLogsErrorType;

/**
 * Decoded logs of one kind of Motif event (`args` decoded with the generated ABIs).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getMotifEvents } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const usage = await getMotifEvents(client, {
 *   kind: "usage",
 *   addresses: { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707" },
 *   fromBlock: 0n,
 * });
 */
export async function getMotifEvents(client: Client, p: GetMotifEventsParameters): Promise<GetMotifEventsReturnType> {
  const s = source[p.kind];
  const logs = await getEventLogs(client, {
    address: p.addresses[s.contract],
    abi: s.abi,
    eventName: s.eventName,
    fromBlock: p.fromBlock ?? 0n,
    ...(p.toBlock !== undefined ? { toBlock: p.toBlock } : {}),
  } as Parameters<typeof getEventLogs>[1]);
  return logs as unknown as MotifEventLog[];
}

export type WatchMotifEventsParameters = Omit<GetMotifEventsParameters, "fromBlock" | "toBlock"> & {
  onLogs: (logs: MotifEventLog[]) => void;
  pollingInterval?: number;
};

/**
 * Calls `onLogs` with each new batch of decoded events of one kind; returns the unwatch function.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { watchMotifEvents } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const unwatch = watchMotifEvents(client, {
 *   kind: "licenses",
 *   addresses: { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707" },
 *   onLogs: (logs) => console.log(logs.length, "new licenses"),
 * });
 * unwatch();
 */
export function watchMotifEvents(client: Client, p: WatchMotifEventsParameters): WatchContractEventReturnType {
  const s = source[p.kind];
  return watchContractEvent(client, {
    address: p.addresses[s.contract],
    abi: s.abi,
    eventName: s.eventName,
    onLogs: p.onLogs as unknown as (logs: Log[]) => void,
    ...(p.pollingInterval !== undefined ? { pollingInterval: p.pollingInterval } : {}),
  } as Parameters<typeof watchContractEvent>[1]);
}
