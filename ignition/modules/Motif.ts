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
  const libraries = {
    LicenseReasons: m.library("LicenseReasons"),
    OfferRules: m.library("OfferRules"),
    RevenueSplit: m.library("RevenueSplit"),
  };
  const licensing = m.contract("MotifLicensing", [admin, certificate, registry], { libraries });
  return { registry, certificate, licensing };
});
