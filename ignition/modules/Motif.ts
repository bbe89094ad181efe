import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the Motif core: the model registry, then the certificate bound to it.
 * Parameter `admin` (default: the deploying account) receives the admin, registrar and pauser roles.
 * Granting generator keys the attester role is done by `scripts/deploy.ts`, which knows them.
 */
export default buildModule("Motif", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const registry = m.contract("MotifModelRegistry", [admin]);
  const certificate = m.contract("MotifCertificate", [admin, registry]);
  return { registry, certificate };
});
