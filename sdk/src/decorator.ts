import type { Account, Chain, Client, Transport } from "viem";

import { attestLineage, type AttestLineageParameters } from "./actions/certificates/attestLineage.js";
import { getCertificate, type GetCertificateParameters } from "./actions/certificates/getCertificate.js";
import { mintCertificates, type MintCertificatesParameters } from "./actions/certificates/mintCertificates.js";
import { getColourways, type GetColourwaysParameters } from "./actions/colourways/getColourways.js";
import { getDesignOf, type GetDesignOfParameters } from "./actions/colourways/getDesignOf.js";
import { mintColourway, type MintColourwayParameters } from "./actions/colourways/mintColourway.js";
import { publishOffer, type PublishOfferParameters } from "./actions/licensing/publishOffer.js";
import { renewLicense, type RenewLicenseParameters } from "./actions/licensing/renewLicense.js";
import { clearBreach, type FlagBreachParameters, flagBreach, revokeLicense, type RevokeLicenseParameters } from "./actions/licensing/revokeLicense.js";
import {
  acceptLicenseTransfer,
  type AcceptLicenseTransferParameters,
  transferLicense,
  type TransferLicenseParameters,
} from "./actions/licensing/transferLicense.js";
import { cancelSignedOffer, type CancelSignedOfferParameters } from "./actions/licensing/cancelSignedOffer.js";
import { deprecateModel, type DeprecateModelParameters } from "./actions/models/deprecateModel.js";
import { logEdit, type LogEditParameters } from "./actions/certificates/logEdit.js";
import { getCertificateMetadata, type GetCertificateMetadataParameters } from "./actions/certificates/getCertificateMetadata.js";
import { royaltyInfo, type RoyaltyInfoParameters } from "./actions/certificates/royaltyInfo.js";
import { getMotifEvents, type GetMotifEventsParameters, watchMotifEvents, type WatchMotifEventsParameters } from "./actions/events/events.js";
import { acceptOffer, type AcceptOfferParameters } from "./actions/licensing/acceptOffer.js";
import { isLicensed, type IsLicensedParameters } from "./actions/licensing/isLicensed.js";
import { reportUsage, type ReportUsageParameters } from "./actions/licensing/reportUsage.js";
import { getCurrencyUnit, type GetCurrencyUnitParameters } from "./actions/licensing/getCurrencyUnit.js";
import { requireLicensed, type RequireLicensedParameters } from "./actions/licensing/requireLicensed.js";
import { signOffer, type SignOfferParameters } from "./actions/licensing/signOffer.js";
import { withdraw, type WithdrawParameters } from "./actions/licensing/withdraw.js";
import { getModel, type GetModelParameters } from "./actions/models/getModel.js";
import { listModels } from "./actions/models/listModels.js";
import { registerModel, type RegisterModelParameters } from "./actions/models/registerModel.js";
import { checkTrainingLicense, type CheckTrainingLicenseParameters } from "./actions/datasets/checkTrainingLicense.js";
import { verifyDataset, type VerifyDatasetParameters } from "./actions/datasets/verifyDataset.js";
import { mintDataset, type MintDatasetParameters } from "./actions/datasets/mintDataset.js";
import { checkRecipeLicense, type CheckRecipeLicenseParameters } from "./actions/recipes/checkRecipeLicense.js";
import { getRecipe, type GetRecipeParameters } from "./actions/recipes/getRecipe.js";
import { mintRecipe, type MintRecipeParameters } from "./actions/recipes/mintRecipe.js";
import type { MotifAddresses } from "./addresses.js";

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * viem decorator: `createWalletClient(...).extend(motifActions({ addresses, startBlock }))` gives the
 * client Motif's actions with the contract addresses filled in, and event reads starting at the
 * deployment's block (`addressesOf(record)` and `record.startBlock` from a deployment record). Write
 * actions need a client with an account.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { defaultAddresses, motifActions } from "@motif/sdk";
 * const motif = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") })
 *   .extend(motifActions({ addresses: defaultAddresses(31337)! }));
 * const { licensed } = await motif.isLicensed({ tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), licensee: motif.account.address, region: "FR" });
 * console.log(licensed); // "true"
 */
export function motifActions({ addresses, startBlock }: {
  addresses: MotifAddresses;
  /**
   * The block the contracts were deployed at (a deployment record's `startBlock`): where the event
   * reads (`getMotifEvents`) start unless a call names its own `fromBlock` (`getCertificate` reads its mint block from the certificate).
   */
  startBlock?: bigint | number;
}) {
  const from = startBlock !== undefined ? { fromBlock: BigInt(startBlock) } : {};
  return <T extends Transport, C extends Chain | undefined, A extends Account | undefined>(client: Client<T, C, A>) => {
    const signer = () => {
      if (client.account === undefined) throw new Error("motifActions: this action needs a client with an account");
      return client as unknown as Client<Transport, Chain | undefined, Account>;
    };
    return {
      registerModel: (p: Omit<RegisterModelParameters, "registry">) => registerModel(signer(), { ...p, registry: addresses.registry }),
      getModel: (p: Omit<GetModelParameters, "registry">) => getModel(client, { ...p, registry: addresses.registry }),
      listModels: () => listModels(client, { registry: addresses.registry }),
      deprecateModel: (p: Omit<DeprecateModelParameters, "registry">) => deprecateModel(signer(), { ...p, registry: addresses.registry }),
      attestLineage: (p: Omit<AttestLineageParameters, "certificate">) => attestLineage(signer(), { ...p, certificate: addresses.certificate }),
      mintCertificates: (p: Omit<MintCertificatesParameters, "certificate">) => mintCertificates(signer(), { ...p, certificate: addresses.certificate }),
      mintColourway: (p: Omit<MintColourwayParameters, "certificate">) => mintColourway(signer(), { ...p, certificate: addresses.certificate }),
      getDesignOf: (p: Omit<GetDesignOfParameters, "certificate">) => getDesignOf(client, { ...p, certificate: addresses.certificate }),
      getColourways: (p: Omit<GetColourwaysParameters, "certificate">) => getColourways(client, { ...p, certificate: addresses.certificate }),
      getCertificateMetadata: (p: Omit<GetCertificateMetadataParameters, "certificate">) =>
        getCertificateMetadata(client, { ...p, certificate: addresses.certificate }),
      royaltyInfo: (p: Omit<RoyaltyInfoParameters, "certificate">) => royaltyInfo(client, { ...p, certificate: addresses.certificate }),
      logEdit: (p: Omit<LogEditParameters, "certificate">) => logEdit(signer(), { ...p, certificate: addresses.certificate }),
      getMotifEvents: (p: Omit<GetMotifEventsParameters, "addresses">) => getMotifEvents(client, { ...from, ...p, addresses }),
      watchMotifEvents: (p: Omit<WatchMotifEventsParameters, "addresses">) => watchMotifEvents(client, { ...p, addresses }),
      publishOffer: (p: Omit<PublishOfferParameters, "licensing">) => publishOffer(signer(), { ...p, licensing: addresses.licensing }),
      renewLicense: (p: Omit<RenewLicenseParameters, "licensing">) => renewLicense(signer(), { ...p, licensing: addresses.licensing }),
      flagBreach: (p: Omit<FlagBreachParameters, "licensing">) => flagBreach(signer(), { ...p, licensing: addresses.licensing }),
      clearBreach: (p: Omit<RevokeLicenseParameters, "licensing">) => clearBreach(signer(), { ...p, licensing: addresses.licensing }),
      revokeLicense: (p: Omit<RevokeLicenseParameters, "licensing">) => revokeLicense(signer(), { ...p, licensing: addresses.licensing }),
      transferLicense: (p: Omit<TransferLicenseParameters, "licensing">) => transferLicense(signer(), { ...p, licensing: addresses.licensing }),
      acceptLicenseTransfer: (p: Omit<AcceptLicenseTransferParameters, "licensing">) =>
        acceptLicenseTransfer(signer(), { ...p, licensing: addresses.licensing }),
      cancelSignedOffer: (p: Omit<CancelSignedOfferParameters, "licensing">) => cancelSignedOffer(signer(), { ...p, licensing: addresses.licensing }),
      getCertificate: (p: Omit<GetCertificateParameters, "certificate">) => getCertificate(client, { ...p, certificate: addresses.certificate }),
      checkTrainingLicense: (p: Omit<CheckTrainingLicenseParameters, "licensing">) => checkTrainingLicense(client, { ...p, licensing: addresses.licensing }),
      verifyDataset: (p: Omit<VerifyDatasetParameters, "licensing">) => verifyDataset(client, { ...p, licensing: addresses.licensing }),
      mintDataset: (p: Omit<MintDatasetParameters, "certificate">) => mintDataset(signer(), { ...p, certificate: addresses.certificate }),
      mintRecipe: (p: Omit<MintRecipeParameters, "certificate">) => mintRecipe(signer(), { ...p, certificate: addresses.certificate }),
      getRecipe: (p: Omit<GetRecipeParameters, "certificate">) => getRecipe(client, { ...p, certificate: addresses.certificate }),
      checkRecipeLicense: (p: Omit<CheckRecipeLicenseParameters, "certificate" | "licensing">) =>
        checkRecipeLicense(client, { ...p, certificate: addresses.certificate, licensing: addresses.licensing }),
      signOffer: (p: Omit<SignOfferParameters, "licensing">) => signOffer(signer(), { ...p, licensing: addresses.licensing }),
      acceptOffer: (p: Without<AcceptOfferParameters, "licensing">) =>
        acceptOffer(signer(), { ...p, licensing: addresses.licensing } as AcceptOfferParameters),
      isLicensed: (p: Omit<IsLicensedParameters, "licensing">) => isLicensed(client, { ...p, licensing: addresses.licensing }),
      requireLicensed: (p: Omit<RequireLicensedParameters, "licensing">) => requireLicensed(client, { ...p, licensing: addresses.licensing }),
      reportUsage: (p: Omit<ReportUsageParameters, "licensing">) => reportUsage(signer(), { ...p, licensing: addresses.licensing }),
      getCurrencyUnit: (p: GetCurrencyUnitParameters) => getCurrencyUnit(client, p),
      withdraw: (p: Omit<WithdrawParameters, "licensing"> = {}) => withdraw(signer(), { ...p, licensing: addresses.licensing }),
    };
  };
}
