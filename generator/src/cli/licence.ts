import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";

import { type Address, type Hex, erc20Abi, formatUnits, getAddress, isAddress, maxUint128, parseEventLogs, parseUnits, zeroAddress } from "viem";

import {
  ALL_PRODUCT_CLASSES,
  type CurrencyUnit,
  EU_MEMBERS,
  LicenseFlags,
  type Offer,
  PRODUCT_CLASS_COUNT,
  UnknownProductClassError,
  UnknownRegionError,
  WORLDWIDE,
  amountInWords,
  bpsInWords,
  getCurrencyUnit,
  licenseTerms,
  motifLicensingAbi,
  NotAnErc20Error,
  productClass,
  productClassLabel,
  productClassMask,
  publishOffer,
  regionMask,
  reportUsage,
  signOffer,
  termsInWords,
  tokenIdHex,
} from "@motif/sdk";
import { UsageError, intOption, parse } from "./args.js";
import { walletFromEnv } from "./chain.js";

/** The contract's cap on the sales royalty (`salesRoyaltyBps` ≤ 5,000: 50% of net sales). */
const MAX_SALES_ROYALTY_BPS = 5_000;
/** The flag names of `--flags`, as `LicenseFlags` bits. */
const FLAG_NAMES: Record<string, number> = {
  commercial: LicenseFlags.COMMERCIAL,
  derivatives: LicenseFlags.DERIVATIVES,
  "ai-training": LicenseFlags.AI_TRAINING,
  sublicensable: LicenseFlags.SUBLICENSABLE,
  transferable: LicenseFlags.TRANSFERABLE,
  exclusive: LicenseFlags.EXCLUSIVE,
  "revocable-for-breach": LicenseFlags.REVOCABLE_FOR_BREACH,
};
const CLASS_WORDS = "a WIPO Nice class number 1..45 (24 textiles and household linen, 25 clothing, 27 rugs and wallpaper, 16 paper goods…) or a word: textiles, linen, bedding, household-linen, fabric, clothing, apparel, fashion, footwear, rugs, wallpaper, carpets, paper, stationery, paper-goods, tableware, bags, furniture, cushions, printing";

const HELP = `usage: motif licence publish TOKEN --regions CODES --price AMOUNT --terms FILE [offer flags] [--json]
       motif licence sign TOKEN --regions CODES --price AMOUNT --terms FILE --out FILE.json [offer flags] [--nonce N] [--json]
       motif licence report LICENCE --region CODE --class CLASS [--units N] [--net-sales AMOUNT] [--licensee ADDR] [--json]

\`publish\` puts an offer to license certificate TOKEN (0x hex or decimal) on chain; \`sign\` signs one
off-chain (EIP-712) and writes it with its signature to --out for a buyer to accept. Both print the
terms in words. \`report\` reports one royalty-statement line of a licence (its id, 0x hex or decimal):
units produced and/or net sales in a region for one product class, and pays the royalty the contract
asks (less what the licence's advance still covers). Signed by MOTIF_WALLET_KEY (the certificate
owner; for \`report\`, the licensee or a reporter it approved) on MOTIF_RPC_URL; the licensing
contract from deployments/<chainId>.json or MOTIF_LICENSING. Every flag is checked before anything is
sent: a bad value is refused with the flag, the allowed values and nothing done on chain. Amounts
are in the offer's currency: ETH, or an ERC-20 token's own units (--currency; 12.5 is 12.5 USDC,
read with the token's decimals()); \`report\` approves the licensing contract for the royalty due
in a token licence's currency when its allowance is short.
Offer flags:
  --regions        where it holds: ISO 3166-1 codes, comma-separated (DE,FR), EU (the 27 member states) or worldwide
  --classes        product classes (fields of use), comma-separated Nice numbers or names: 24,25 or
                   bedding,clothing (default: every class, 1..${PRODUCT_CLASS_COUNT})
  --currency       ETH (default) or an ERC-20 token's 0x address: what the price, advance, royalties
                   and renewal are paid in
  --price          price of one acceptance, in the currency (e.g. 0.05)
  --advance        an advance (minimum guarantee) paid at acceptance on top of the price and recouped
                   against royalties before any is charged, in the currency (default 0: none)
  --sales-royalty  royalty on reported net sales, in percent: 0 to 50, up to two decimals (5 or 2.5; default 0)
  --unit-royalty   royalty per unit produced, in the currency (default 0)
  --unit-cap       most units a licence may report, an integer (default 0: no cap)
  --flags          rights, comma-separated: ${Object.keys(FLAG_NAMES).join(", ")} (default commercial)
  --days           the licence runs this many days from acceptance, 1..36500 (default 365)
  --max-uses       acceptances allowed, 1..4294967295 (default 1 for an exclusive offer, else 100)
  --open-days      the offer can be accepted for this many days, 1..3650 (default 30)
  --licensee       the only account that may accept it (default: anyone)
  --renewal-price  price of one renewal, in the currency (default 0: not renewable)
  --terms          the licence's legal text (its sha-256 is the terms digest, a raw-block CID)
Report flags:
  --region     where the products were made or sold, an ISO 3166-1 code (FR, FRA or 250)
  --class      their product class, a Nice number or name (24 or bedding)
  --units      units produced, an integer (default 0)
  --net-sales  net sales, in the licence's currency (default 0); units and net sales may not both be 0
  --licensee   the licence's holder (default: the signing account)`;

/** A 256-bit id (token or licence) given in 0x hex or decimal, or a UsageError naming `label`. */
export function idOption(label: string, raw: string | undefined): bigint {
  if (raw === undefined) throw new UsageError(`${label}: required, a 256-bit id in 0x hex or decimal`);
  if (!/^(0x[0-9a-fA-F]{1,64}|\d{1,78})$/.test(raw) || BigInt(raw) >= 1n << 256n) throw new UsageError(`${label}: "${raw}" is not a 256-bit id in 0x hex or decimal`);
  return BigInt(raw);
}

const ETH: CurrencyUnit = { symbol: "ETH", decimals: 18 };

/**
 * An amount in `unit` (`0.5` ETH, `12.5` USDC), 0 up to `max` base units, or a UsageError naming the
 * flag and the range in that unit.
 */
export function amountOption(name: string, raw: string | undefined, unit: CurrencyUnit = ETH, max: bigint = maxUint128): bigint {
  if (raw === undefined) return 0n;
  const decimals = unit.decimals === 0 ? "whole units" : `up to ${unit.decimals} decimals`;
  const range = `an amount in ${unit.symbol} from 0 to ${formatUnits(max, unit.decimals)}, ${decimals} (e.g. ${unit.decimals === 0 ? "5" : "0.5"})`;
  const pattern = unit.decimals === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${unit.decimals}})?$`);
  if (!pattern.test(raw.trim())) throw new UsageError(`--${name}: "${raw}" is not ${range}`);
  const amount = parseUnits(raw.trim(), unit.decimals);
  if (amount > max) throw new UsageError(`--${name}: ${raw} ${unit.symbol} is more than the most allowed; ${range}`);
  return amount;
}

/** `--currency`: ETH (or absent) is the zero address, else a 0x address (checked on chain later). */
export function currencyOption(raw: string | undefined): Address {
  if (raw === undefined || /^eth$/i.test(raw.trim())) return zeroAddress;
  if (!isAddress(raw.trim(), { strict: false })) throw new UsageError(`--currency: "${raw}" is neither ETH nor an ERC-20 token's 0x-prefixed 20-byte address`);
  return getAddress(raw.trim());
}

/** The unit of `currency` on chain, or a UsageError naming `flag` when it is no ERC-20 token. */
async function currencyUnit(client: Parameters<typeof getCurrencyUnit>[0], currency: Address, flag: string): Promise<CurrencyUnit> {
  try {
    return await getCurrencyUnit(client, { currency });
  } catch (error) {
    if (error instanceof NotAnErc20Error) throw new UsageError(`--${flag}: ${currency} is not an ERC-20 token on this chain (it answers no decimals()); give ETH or a token's address`);
    throw error;
  }
}

/** `--sales-royalty` in percent (`5`, `2.5`, up to two decimals) as basis points, 0..5,000 (50%). */
export function salesRoyaltyOption(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const range = `0 to ${MAX_SALES_ROYALTY_BPS / 100} (percent of net sales, up to two decimals, e.g. 5 or 2.5)`;
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?%?$/.exec(raw.trim());
  if (m === null) throw new UsageError(`--sales-royalty: "${raw}" is not a percentage from ${range}`);
  const bps = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  if (bps > MAX_SALES_ROYALTY_BPS) throw new UsageError(`--sales-royalty: ${raw}% is more than ${MAX_SALES_ROYALTY_BPS / 100}% of net sales; allowed: ${range}`);
  return bps;
}

/** One product class by Nice number or name, or a UsageError naming `flag` and the allowed values. */
export function classOption(flag: string, raw: string): number {
  try {
    return productClass(raw).niceClass;
  } catch (error) {
    if (error instanceof UnknownProductClassError) throw new UsageError(`--${flag}: "${raw}" is not a product class; allowed: ${CLASS_WORDS}`);
    throw error;
  }
}

/** `--classes` (comma-separated Nice numbers or names) as a class mask; every class when absent. */
export function classesOption(raw: string | undefined): bigint {
  if (raw === undefined) return ALL_PRODUCT_CLASSES;
  const items = raw.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`--classes: "${raw}" has an empty item; give comma-separated classes: ${CLASS_WORDS}`);
  return productClassMask(items.map((s) => classOption("classes", s)));
}

/** `--regions` (comma-separated ISO codes, EU, worldwide) as a region mask. */
export function regionsOption(raw: string | undefined): bigint {
  const allowed = "comma-separated ISO 3166-1 codes (DE,FR or DEU,FRA or 276,250), EU or worldwide";
  if (raw === undefined) throw new UsageError(`--regions: required, ${allowed}`);
  const items = raw.split(",").map((s) => s.trim());
  let mask = 0n;
  for (const item of items) {
    if (/^eu$/i.test(item)) mask |= regionMask(EU_MEMBERS);
    else if (/^(worldwide|world)$/i.test(item)) mask |= WORLDWIDE;
    else {
      try {
        mask |= regionMask([item]);
      } catch (error) {
        if (error instanceof UnknownRegionError) throw new UsageError(`--regions: "${item}" is not a region; allowed: ${allowed}`);
        throw error;
      }
    }
  }
  return mask;
}

/** `--flags` (comma-separated rights) as `LicenseFlags` bits; commercial when absent. */
export function flagsOption(raw: string | undefined): number {
  if (raw === undefined) return LicenseFlags.COMMERCIAL;
  let flags = 0;
  for (const item of raw.split(",").map((s) => s.trim().toLowerCase())) {
    const bit = FLAG_NAMES[item];
    if (bit === undefined) throw new UsageError(`--flags: "${item}" is not a right; allowed: ${Object.keys(FLAG_NAMES).join(", ")}`);
    flags |= bit;
  }
  return flags;
}

type OfferValues = Record<string, string | boolean | undefined>;

/**
 * The offer the flags describe (everything checked, nothing read from the chain but `now` and, for
 * an ERC-20 currency, its `unit`: without it amounts are checked as 18-decimal numbers).
 */
export async function offerFromFlags(tokenRaw: string | undefined, v: OfferValues, now: number, unit: CurrencyUnit = ETH): Promise<Offer> {
  const str = (k: string) => v[k] as string | undefined;
  const tokenId = idOption("TOKEN", tokenRaw);
  const regions = regionsOption(str("regions"));
  const classes = classesOption(str("classes"));
  const currency = currencyOption(str("currency"));
  if (str("price") === undefined) throw new UsageError(`--price: required, the price of one acceptance in ${unit.symbol} (e.g. 0.05)`);
  const price = amountOption("price", str("price"), unit);
  const advance = amountOption("advance", str("advance"), unit);
  const salesRoyaltyBps = salesRoyaltyOption(str("sales-royalty"));
  const unitRoyalty = amountOption("unit-royalty", str("unit-royalty"), unit, (1n << 80n) - 1n);
  const unitCap = BigInt(intOption("unit-cap", str("unit-cap"), 0, 0, Number.MAX_SAFE_INTEGER));
  const renewalPrice = amountOption("renewal-price", str("renewal-price"), unit);
  const flags = flagsOption(str("flags"));
  const exclusive = (flags & LicenseFlags.EXCLUSIVE) !== 0;
  const days = intOption("days", str("days"), 365, 1, 36_500);
  const maxUses = intOption("max-uses", str("max-uses"), exclusive ? 1 : 100, 1, 2 ** 32 - 1);
  const openDays = intOption("open-days", str("open-days"), 30, 1, 3650);
  const licensee = str("licensee");
  if (licensee !== undefined && !isAddress(licensee)) throw new UsageError(`--licensee: "${licensee}" is not a 0x-prefixed 20-byte address`);
  const termsFile = str("terms");
  if (termsFile === undefined) throw new UsageError("--terms: required, the file of the licence's legal text");
  let text;
  try {
    text = await readFile(termsFile);
  } catch (error) {
    throw new UsageError(`--terms: ${termsFile} is not readable (${(error as Error).message.split("\n")[0]})`);
  }
  const termsDigest: Hex = `0x${createHash("sha256").update(text).digest("hex")}`;
  return {
    terms: licenseTerms({ tokenId, regions, classes, flags, currency, unitRoyalty, unitCap, salesRoyaltyBps, advance, renewalPrice, termsDigest }),
    window: { start: 0, end: 0, duration: days * 86_400 },
    pricing: { price, ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses,
    deadline: now + openDays * 86_400,
    nonce: 0n,
    licensee: licensee === undefined ? zeroAddress : getAddress(licensee),
  };
}

/** JSON of a value with bigints as decimal strings. */
const json = (value: unknown, space?: number) => JSON.stringify(value, (_, x) => (typeof x === "bigint" ? x.toString() : x), space);

const OFFER_FLAGS = ["regions", "classes", "currency", "price", "advance", "sales-royalty", "unit-royalty", "unit-cap", "flags", "days", "max-uses", "open-days", "licensee", "renewal-price", "terms"] as const;

export const licenceCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      ...Object.fromEntries(OFFER_FLAGS.map((f) => [f, { type: "string" as const }])),
      region: { type: "string" },
      class: { type: "string" },
      units: { type: "string" },
      "net-sales": { type: "string" },
      out: { type: "string" },
      nonce: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const v = values as OfferValues;
    const [sub, id] = positionals;
    if (sub === "publish" || sub === "sign") {
      // every flag is checked before the chain is reached (a clock for the deadline and a token's
      // decimals aside: amounts are checked again in its units before anything is sent)
      const currency = currencyOption(v.currency as string | undefined);
      await offerFromFlags(id, v, 0, currency === zeroAddress ? ETH : { symbol: "token units", decimals: 18 });
      if (sub === "sign" && values.out === undefined) throw new UsageError("--out: required, the JSON file to write the signed offer to");
      const nonce = values.nonce === undefined ? undefined : idOption("--nonce", values.nonce);
      const { publicClient, wallet, addresses } = await walletFromEnv(["licensing"]);
      const unit = await currencyUnit(publicClient, currency, "currency");
      const now = Number((await publicClient.getBlock()).timestamp);
      const offer = { ...(await offerFromFlags(id, v, now, unit)), nonce: sub === "sign" ? (nonce ?? BigInt(now)) : 0n };
      const words = termsInWords(offer, offer.pricing.price, unit);
      if (sub === "sign") {
        const signed = await signOffer(wallet, { licensing: addresses.licensing, offer });
        const digest = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "offerDigest", args: [offer] });
        await writeFile(values.out!, json({ offer: signed.offer, signature: signed.signature, digest }, 2) + "\n");
        process.stdout.write(values.json ? json({ file: values.out, digest, offer, terms: words }) + "\n" : `signed offer ${digest} written to ${values.out}\n${words.map((w) => `  ${w}`).join("\n")}\n`);
        return 0;
      }
      const hash = await publishOffer(wallet, { licensing: addresses.licensing, offer });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const [published] = parseEventLogs({ abi: motifLicensingAbi, eventName: "OfferPublished", logs: receipt.logs });
      const offerId = published!.args.offerId;
      process.stdout.write(values.json ? json({ offerId, transactionHash: hash, offer, terms: words }) + "\n" : `offer #${offerId} published on ${tokenIdHex(offer.terms.tokenId)} in ${hash}\n${words.map((w) => `  ${w}`).join("\n")}\n`);
      return 0;
    }
    if (sub === "report") {
      const licenseId = idOption("LICENCE", id);
      if (values.region === undefined) throw new UsageError("--region: required, an ISO 3166-1 code (FR, FRA or 250)");
      try {
        regionMask([values.region]);
      } catch (error) {
        if (error instanceof UnknownRegionError) throw new UsageError(`--region: "${values.region}" is not an ISO 3166-1 code of the region table (FR, FRA or 250)`);
        throw error;
      }
      if (values.class === undefined) throw new UsageError(`--class: required, one product class: ${CLASS_WORDS}`);
      const niceClass = classOption("class", values.class);
      const units = BigInt(intOption("units", values.units, 0, 0, Number.MAX_SAFE_INTEGER));
      // checked before the chain as an 18-decimal number (zero there is zero in any unit), again below in the currency's
      const anyNetSales = amountOption("net-sales", values["net-sales"], { symbol: "the licence's currency", decimals: 18 });
      if (units === 0n && anyNetSales === 0n) {
        throw new UsageError("--units, --net-sales: both 0; report at least 1 unit or some net sales (in the licence's currency)");
      }
      const licensee = v.licensee as string | undefined;
      if (licensee !== undefined && !isAddress(licensee)) throw new UsageError(`--licensee: "${licensee}" is not a 0x-prefixed 20-byte address`);
      const { publicClient, wallet, addresses } = await walletFromEnv(["licensing"]);
      const read = { address: addresses.licensing, abi: motifLicensingAbi } as const;
      const held = await publicClient.readContract({ ...read, functionName: "getLicense", args: [licenseId] });
      const terms = await publicClient.readContract({ ...read, functionName: "getTerms", args: [held.termsId] });
      const unit = await currencyUnit(publicClient, terms.currency, "currency");
      const netSales = amountOption("net-sales", values["net-sales"], unit);
      if (terms.currency !== zeroAddress) {
        // a token licence's royalty is pulled by the contract: approve what it asks when short
        const [, due] = await publicClient.readContract({ ...read, functionName: "reportDue", args: [licenseId, units, netSales] });
        const allowance = await publicClient.readContract({ address: terms.currency, abi: erc20Abi, functionName: "allowance", args: [wallet.account.address, addresses.licensing] });
        if (allowance < due) {
          const approval = await wallet.writeContract({ address: terms.currency, abi: erc20Abi, functionName: "approve", args: [addresses.licensing, due], chain: wallet.chain, account: wallet.account });
          await publicClient.waitForTransactionReceipt({ hash: approval });
        }
      }
      const hash = await reportUsage(wallet, { licensing: addresses.licensing, licenseId, licensee: licensee === undefined ? wallet.account.address : (getAddress(licensee) as Address), region: values.region, productClass: niceClass, units, netSales });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const [reported] = parseEventLogs({ abi: motifLicensingAbi, eventName: "UsageReported", logs: receipt.logs });
      const { royalty, amount } = reported!.args;
      const license = await publicClient.readContract({ ...read, functionName: "getLicense", args: [licenseId] });
      const money = (x: bigint) => amountInWords(x, terms.currency, unit);
      const result = { licenseId: tokenIdHex(licenseId), region: values.region.toUpperCase(), niceClass, units, netSales, royalty, paid: amount, fromAdvance: royalty - amount, advanceRemaining: license.advanceRemaining, netSalesTotal: license.netSales, transactionHash: hash };
      process.stdout.write(
        values.json
          ? json(result) + "\n"
          : `reported ${units} units and ${money(netSales)} of net sales of ${productClassLabel(niceClass)} in ${result.region} on licence ${result.licenseId}: royalty ${money(royalty)}` +
              ` (${terms.salesRoyaltyBps > 0 ? `${bpsInWords(terms.salesRoyaltyBps)} of net sales` : "no sales royalty"}), ${money(royalty - amount)} of it from the advance, ${money(amount)} paid;` +
              ` advance remaining ${money(license.advanceRemaining)}, net sales so far ${money(license.netSales)} (${hash})\n`,
      );
      return 0;
    }
    throw new UsageError(`${sub === undefined ? "a subcommand is required" : `unknown subcommand "${sub}"`}: publish, sign or report`);
  },
};
