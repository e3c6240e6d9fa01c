import type { FactorCode } from "./factors";

/** Per factor: the ideal sten range and how much a deviation outside it weighs. */
export type IdealProfile = Partial<Record<FactorCode, { min: number; max: number; weight: number }>>;

/** A sten at or beyond `value` (at or below for `lte`, at or above for `gte`) rules a candidate out. */
export interface Knockout {
  factor: FactorCode;
  op: "lte" | "gte";
  value: number;
}

/** The shipped default of one post type (岗位): identity, rule flags and person–post profile. */
export interface PostProfileDefault {
  code: string;
  name: string;
  nameEn: string;
  leading: boolean;
  principal: boolean;
  avoidance: boolean;
  minRank: "deputy-division" | "division";
  sortOrder: number;
  idealProfile: IdealProfile;
  knockouts: Knockout[];
  requiredSkills: string[];
  /** Where the profile comes from, or the assumption it rests on. */
  source: string;
}

type Range = [min: number, max: number, weight?: number];

/**
 * The published screening template for civil-service posts: A 3–10,
 * B 7–10, C 7–10, E 5–8, F 5–9, G 6–10, H 4–10, I 3–6, L 2–5, M 3–7, N 3–7, O 1–5, Q1 4–7, Q2 3–6,
 * Q3 6–10, Q4 1–5, with C ≤ 4 or G ≤ 4 as knock-outs. Every post starts from it.
 */
const TEMPLATE: Record<FactorCode, Range> = {
  A: [3, 10],
  B: [7, 10],
  C: [7, 10],
  E: [5, 8],
  F: [5, 9],
  G: [6, 10],
  H: [4, 10],
  I: [3, 6],
  L: [2, 5],
  M: [3, 7],
  N: [3, 7],
  O: [1, 5],
  Q1: [4, 7],
  Q2: [3, 6],
  Q3: [6, 10],
  Q4: [1, 5],
};
const TEMPLATE_KNOCKOUTS: Knockout[] = [
  { factor: "C", op: "lte", value: 4 },
  { factor: "G", op: "lte", value: 4 },
];
const TEMPLATE_SOURCE = "civil-service screening template (published)";

/** The template with some factors' ranges and weights replaced (weight 1 unless given). */
function profile(overrides: Partial<Record<FactorCode, Range>> = {}): IdealProfile {
  const ranges = { ...TEMPLATE, ...overrides };
  return Object.fromEntries(
    Object.entries(ranges).map(([factor, [min, max, weight = 1]]) => [factor, { min, max, weight }]),
  ) as IdealProfile;
}

type PostSpec = Omit<PostProfileDefault, "idealProfile" | "knockouts" | "source" | "sortOrder"> & {
  overrides?: Partial<Record<FactorCode, Range>>;
  assumption?: string;
};

const POSTS: PostSpec[] = [
  {
    code: "party-secretary",
    name: "县委书记",
    nameEn: "County Party Secretary",
    leading: true,
    principal: true,
    avoidance: true,
    minRank: "division",
    requiredSkills: ["party-building"],
    overrides: { E: [6, 9, 2], H: [6, 10, 2], Q1: [5, 8], C: [7, 10, 2] },
    assumption:
      "leads the team: more dominance (E), social boldness (H) and openness (Q1), stability weighted ×2",
  },
  {
    code: "county-head",
    name: "县长",
    nameEn: "County Head",
    leading: true,
    principal: true,
    avoidance: true,
    minRank: "division",
    requiredSkills: ["economy"],
    overrides: { E: [6, 9, 2], H: [6, 10], Q1: [5, 8, 2], B: [7, 10, 2] },
    assumption: "runs the government: dominance (E), openness to change (Q1) and reasoning (B) weighted ×2",
  },
  {
    code: "deputy-secretary",
    name: "县委副书记",
    nameEn: "Deputy Party Secretary",
    leading: false,
    principal: false,
    avoidance: false,
    minRank: "deputy-division",
    requiredSkills: ["party-building"],
    overrides: { A: [5, 10, 2] },
    assumption: "coordinates the party's work: warmth (A) weighted ×2",
  },
  {
    code: "discipline-secretary",
    name: "纪委书记",
    nameEn: "Discipline Inspection Secretary",
    leading: false,
    principal: false,
    avoidance: true,
    minRank: "deputy-division",
    requiredSkills: ["discipline"],
    overrides: { G: [7, 10, 2], Q3: [7, 10, 2], L: [3, 6] },
    assumption:
      "enforces rules: rule-consciousness (G) and self-discipline (Q3) at 7+ and weighted ×2, some vigilance (L) accepted",
  },
  {
    code: "organization-head",
    name: "组织部长",
    nameEn: "Organization Department Head",
    leading: false,
    principal: false,
    avoidance: true,
    minRank: "deputy-division",
    requiredSkills: ["party-building"],
    overrides: { A: [5, 10, 2], N: [4, 8], G: [7, 10] },
    assumption: "judges people: warmth (A) weighted ×2, some shrewdness (N), rule-consciousness (G) 7+",
  },
  {
    code: "political-legal-secretary",
    name: "政法委书记",
    nameEn: "Political-Legal Affairs Secretary",
    leading: false,
    principal: false,
    avoidance: true,
    minRank: "deputy-division",
    requiredSkills: ["law"],
    overrides: { G: [7, 10, 2], I: [2, 5] },
    assumption: "law and order: rule-consciousness (G) weighted ×2, tough-minded (I 2–5)",
  },
  {
    code: "propaganda-head",
    name: "宣传部长",
    nameEn: "Propaganda Department Head",
    leading: false,
    principal: false,
    avoidance: false,
    minRank: "deputy-division",
    requiredSkills: ["propaganda"],
    overrides: { F: [6, 9, 2], M: [4, 8], A: [5, 10] },
    assumption: "communicates: liveliness (F) weighted ×2, more imagination (M) and warmth (A) accepted",
  },
  {
    code: "executive-deputy-head",
    name: "常务副县长",
    nameEn: "Executive Deputy County Head",
    leading: false,
    principal: false,
    avoidance: false,
    minRank: "deputy-division",
    requiredSkills: ["finance"],
    overrides: { B: [7, 10, 2], Q3: [7, 10, 2] },
    assumption: "runs budgets and daily government: reasoning (B) and self-discipline (Q3) weighted ×2",
  },
  {
    code: "deputy-head",
    name: "副县长",
    nameEn: "Deputy County Head",
    leading: false,
    principal: false,
    avoidance: false,
    minRank: "deputy-division",
    requiredSkills: [],
    assumption: "the template as it is",
  },
  {
    code: "court-president",
    name: "法院院长",
    nameEn: "Court President",
    leading: false,
    principal: true,
    avoidance: true,
    minRank: "deputy-division",
    requiredSkills: ["law"],
    overrides: { G: [7, 10, 2], I: [2, 5], Q3: [7, 10] },
    assumption:
      "adjudicates: rule-consciousness (G) weighted ×2, tough-minded (I 2–5), self-discipline (Q3) 7+",
  },
  {
    code: "chief-procurator",
    name: "检察长",
    nameEn: "Chief Procurator",
    leading: false,
    principal: true,
    avoidance: true,
    minRank: "deputy-division",
    requiredSkills: ["law"],
    overrides: { G: [7, 10, 2], L: [3, 6], I: [2, 5] },
    assumption:
      "prosecutes: rule-consciousness (G) weighted ×2, some vigilance (L) accepted, tough-minded (I 2–5)",
  },
  {
    code: "public-security-head",
    name: "公安局长",
    nameEn: "Public Security Bureau Chief",
    leading: false,
    principal: true,
    avoidance: true,
    minRank: "deputy-division",
    requiredSkills: ["public-security"],
    overrides: { C: [7, 10, 2], H: [6, 10], E: [6, 9] },
    assumption: "commands police: stability (C) weighted ×2, boldness (H) and dominance (E) 6+",
  },
];

/**
 * Default post types of a county team (党政领导班子) with their person–post profiles. Every profile is
 * the civil-service template with the overrides its `source` names; the overrides are assumptions of
 * this project (no published per-post 16PF norms for county posts were available), to be tuned by the
 * organization department in a scoring profile. R1's avoidance list follows the source document
 * (S4): party secretary, county head, discipline, organization, political-legal, court, procuratorate
 * and public security.
 */
export const DEFAULT_POST_PROFILES: readonly PostProfileDefault[] = POSTS.map(
  ({ overrides, assumption, ...post }, i) => ({
    ...post,
    sortOrder: (i + 1) * 10,
    idealProfile: profile(overrides),
    knockouts: TEMPLATE_KNOCKOUTS,
    source: assumption ? `${TEMPLATE_SOURCE}; assumption: ${assumption}` : TEMPLATE_SOURCE,
  }),
);
