// PDQ itself is pure TypeScript and lives in the SDK (browsers hash with it too); the generator adds
// the Node decoder (sharp) in ./decode.ts.
export * from "../../../sdk/src/pdq/pdq.js";
