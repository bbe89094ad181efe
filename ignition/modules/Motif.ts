import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the Motif core: the model registry, the certificate bound to it, and the licensing
 * contract bound to both (with the libraries it links). Parameter `admin` (default: the deploying account) receives the admin,
 * registrar, pauser and arbiter roles. Granting generator keys the attester role is done by
 * `scripts/deploy.ts`, which knows them.
 */
export default buildModule("Motif", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const registry = m.contract("MotifModelRegistry", [admin]);
  const certificate = m.contract("MotifCertificate", [admin, registry]);
  // MotifLicensing links three external libraries holding its cold paths (offer rules, reasons a
  // check failed, the revenue split), which keeps it under the 24,576-byte code size limit.
  // (deployed after the certificate, so the registry and certificate keep their addresses on a
  // fresh chain: the SDK's examples and the local deployment record name them)
  const after = [certificate];
  const libraries = {
    LicenseReasons: m.library("LicenseReasons", { after }),
    OfferRules: m.library("OfferRules", { after }),
    RevenueSplit: m.library("RevenueSplit", { after }),
  };
  const licensing = m.contract("MotifLicensing", [admin, certificate, registry], { libraries });
  return { registry, certificate, licensing };
});
