import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the Motif core: the model registry, the certificate bound to it, and the licensing
 * contract bound to both. Parameter `admin` (default: the deploying account) receives the admin,
 * registrar, pauser and arbiter roles. Granting generator keys the attester role is done by
 * `scripts/deploy.ts`, which knows them.
 */
export default buildModule("Motif", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const registry = m.contract("MotifModelRegistry", [admin]);
  const certificate = m.contract("MotifCertificate", [admin, registry]);
  const licensing = m.contract("MotifLicensing", [admin, certificate, registry]);
  return { registry, certificate, licensing };
});
