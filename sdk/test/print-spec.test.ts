import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";

import {
  type CertificateMetadataInput,
  MetadataError,
  buildCertificateMetadata,
  encodeCertificateMetadata,
  encodeModelParams,
  encodeRenderParams,
  modelParamsHash,
  parseCertificateMetadata,
  pixelsPerMetre,
  renderParamsHash,
  repeatOffset,
} from "@motif/sdk";

// The print spec in the SDK's documents: the oracles are hand-written JSON and hand-computed numbers.

const input: CertificateMetadataInput = {
  name: "madder half-drop",
  description: "A tile for print.",
  imageCid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
  generator: { name: "motif-generator", version: "0.1.0" },
  lineage: {
    contentDigest: "0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82",
    modelId: 2,
    modelName: "madder",
    modelVersion: "1.0.0",
    weightsDigest: "0x38f8d68216cd4ce664157e5cadb1cb5de1403aa7109264b189f505bde50f3953",
    seed: 300n,
    params: { scale: 3, sharpness: 4 },
    print: { repeat: "half-drop", sizeCm: 64, dpi: 300 },
    paramsHash: keccak256(stringToBytes('{"params":{"scale":3,"sharpness":4},"print":{"dpi":300,"repeat":"half-drop","sizeCm":64}}')),
    pdqHash: "0xf0f0f0f0e1e1e1e1d2d2d2d2c3c3c3c3b4b4b4b4a5a5a5a5969696968787878a",
    pdqQuality: 87,
    width: 7559,
    height: 7559,
    creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    editLog: [],
  },
};

describe("print specs in the SDK: canonical render params, metadata, offsets", () => {
  it("hashes a render without a print spec exactly as before, and one with it as {params, print}", () => {
    const params = { sharpness: 4, scale: 2 };
    expect(encodeRenderParams(params)).to.equal(encodeModelParams(params)).and.equal('{"scale":2,"sharpness":4}');
    expect(renderParamsHash(params)).to.equal(modelParamsHash(params));
    expect(renderParamsHash(input.lineage.params, input.lineage.print)).to.equal(input.lineage.paramsHash);
    // every field of the spec changes the hash
    const hashes = new Set(
      [input.lineage.print!, { ...input.lineage.print!, repeat: "brick" as const }, { ...input.lineage.print!, sizeCm: 64.01 }, { ...input.lineage.print!, dpi: 301 }, undefined].map((p) => renderParamsHash(input.lineage.params, p)),
    );
    expect(hashes.size).to.equal(5);
    expect(pixelsPerMetre(300)).to.equal(11_811); // 300 / 0.0254 = 11811.02
    expect(pixelsPerMetre(254)).to.equal(10_000);
  });

  it("writes the print spec into the metadata (lineage, attributes, C2PA parameters) and reads it back", () => {
    const doc = buildCertificateMetadata(input);
    expect(doc.motif.lineage.print).to.deep.equal({ repeat: "half-drop", sizeCm: 64, dpi: 300 });
    expect(doc.attributes).to.deep.include.members([
      { trait_type: "Repeat", value: "half-drop" },
      { trait_type: "Print size", value: "64 cm" },
      { trait_type: "DPI", value: 300 },
    ]);
    const bytes = encodeCertificateMetadata(doc);
    expect(new TextDecoder().decode(bytes)).to.contain('"print":{"dpi":300,"repeat":"half-drop","sizeCm":64}');
    expect(parseCertificateMetadata(bytes)).to.deep.equal(doc);
    // a plain render's document has no print field at all
    const { print: _print, ...plain } = input.lineage;
    expect(JSON.stringify(buildCertificateMetadata({ ...input, lineage: { ...plain, width: 512, height: 512 } }))).to.not.contain('"print"');
  });

  it("refuses a bad print spec in a document, naming the field and the range", () => {
    const doc = JSON.parse(new TextDecoder().decode(encodeCertificateMetadata(buildCertificateMetadata(input))));
    const cases: Array<[(d: { motif: { lineage: Record<string, unknown> } }) => void, string, RegExp]> = [
      [(d) => ((d.motif.lineage.print as Record<string, unknown>).repeat = "ogee"), "motif.lineage.print.repeat", /expected one of block, half-drop, brick, mirror/],
      [(d) => ((d.motif.lineage.print as Record<string, unknown>).dpi = 20), "motif.lineage.print.dpi", /an integer in 50..1200/],
      [(d) => ((d.motif.lineage.print as Record<string, unknown>).sizeCm = 600), "motif.lineage.print.sizeCm", /in 0.5..500/],
      [(d) => (d.motif.lineage.width = 7560), "motif.lineage.width", /expected 7559x7559: the print spec's 64 cm at 300 DPI, got "7560x7559"/],
    ];
    for (const [tamper, field, message] of cases) {
      const bad = structuredClone(doc);
      tamper(bad);
      const error = (() => {
        try {
          parseCertificateMetadata(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error, field).to.be.instanceOf(MetadataError);
      expect((error as MetadataError).field).to.equal(field);
      expect((error as Error).message).to.match(message);
    }
  });

  it("gives each repeat's neighbour offsets, halving an odd side down", () => {
    expect(repeatOffset("block", 7559, 7559)).to.deep.equal({ right: { x: 7559, y: 0 }, down: { x: 0, y: 7559 }, mirrored: false });
    expect(repeatOffset("half-drop", 7559, 7559)).to.deep.equal({ right: { x: 7559, y: 3779 }, down: { x: 0, y: 7559 }, mirrored: false });
    expect(repeatOffset("brick", 100, 80)).to.deep.equal({ right: { x: 100, y: 0 }, down: { x: 50, y: 80 }, mirrored: false });
    expect(repeatOffset("mirror", 10, 10).mirrored).to.equal(true);
  });
});
