/**
 * A synthetic city modelled on the source document's Jiujiang round: 12 counties, each with a full
 * county team, and about 150 reserve cadres (县级后备干部), 16PF stens drawn through the real factor
 * correlation matrix. Names and places are invented. Everything is a pure function of the seed.
 */
import { FACTORS, type FactorRecord } from "../../scoring/factors";
import { DEFAULT_POST_PROFILES } from "../../scoring/post-profiles";
import { sampleStenProfile } from "../../scoring/profiles";
import { createRng, type Rng } from "../../scoring/random";
import type { EDUCATIONS, KIN_RELATIONS, RANKS } from "../schema";

export const DEMO_SEED = 20_070_801;
export const DEMO_CITY = { code: "XJ", name: "浔江市", nameEn: "Xunjiang City" };
/** The date the demo's tenures and ages are counted to. */
export const DEMO_AS_OF = "2026-06-30";
const AS_OF_YEAR = 2026;

const COUNTIES: [string, string][] = [
  ["临江县", "Linjiang"],
  ["青山县", "Qingshan"],
  ["柳溪县", "Liuxi"],
  ["石门县", "Shimen"],
  ["白鹿县", "Bailu"],
  ["云岭县", "Yunling"],
  ["桃源县", "Taoyuan"],
  ["平湖县", "Pinghu"],
  ["龙泉县", "Longquan"],
  ["松阳县", "Songyang"],
  ["安远县", "Anyuan"],
  ["东湖县", "Donghu"],
];

/** Seats of a county team, in the order the page lists them. */
export const TEAM_POSTS = [
  "party-secretary",
  "county-head",
  "deputy-secretary",
  "discipline-secretary",
  "organization-head",
  "political-legal-secretary",
  "propaganda-head",
  "executive-deputy-head",
  "deputy-head",
  "deputy-head",
  "deputy-head",
  "court-president",
  "chief-procurator",
  "public-security-head",
] as const;

export const SKILLS = [
  "party-building",
  "economy",
  "finance",
  "law",
  "discipline",
  "propaganda",
  "public-security",
  "agriculture",
  "industry",
  "urban-planning",
  "ecology",
  "education-health",
  "emergency",
] as const;

const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN =
  "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国志红文斌宇浩凯健俊帆帅旭宁龙林欣波海峰晨瑞佳丹云鑫昊天博亮";

export interface DemoRegion {
  code: string;
  name: string;
  nameEn: string;
  level: "city" | "county";
  parentCode: string | null;
}

export interface DemoCadre {
  id: string;
  name: string;
  gender: "male" | "female";
  birthYear: number;
  education: (typeof EDUCATIONS)[number];
  birthRegion: string;
  growthRegion: string;
  currentRegion: string | null;
  currentPost: string | null;
  rank: (typeof RANKS)[number];
  reserve: boolean;
  yearsInPost: number;
  yearsInLocality: number;
  lastPromotion: string | null;
  serviceYears: number;
  grassrootsYears: number;
  skills: { skill: string; level: number }[];
  preferences: { region: string; post: string }[];
}

export interface DemoAssessment {
  id: string;
  cadreId: string;
  takenOn: string;
  stens: FactorRecord;
}

export interface DemoTeam {
  id: string;
  regionCode: string;
  name: string;
  seats: { postCode: string; cadreId: string | null }[];
}

export interface DemoCity {
  regions: DemoRegion[];
  cadres: DemoCadre[];
  kin: { cadreId: string; kinId: string; relation: (typeof KIN_RELATIONS)[number] }[];
  assessments: DemoAssessment[];
  teams: DemoTeam[];
}

/**
 * Selected leaders are, on average, steadier, more rule-conscious and more self-disciplined than the
 * general public whose correlations the matrix describes (shifts in SD units; an assumption of the demo).
 */
const LEADER_SHIFT: Partial<FactorRecord> = {
  C: 0.9,
  G: 0.9,
  Q3: 0.45,
  O: -0.45,
  Q4: -0.4,
  B: 0.45,
  E: 0.15,
  H: 0.3,
};

function weighted<T>(rng: Rng, options: [T, number][]): T {
  const total = options.reduce((sum, [, w]) => sum + w, 0);
  let r = rng.next() * total;
  for (const [value, w] of options) {
    r -= w;
    if (r < 0) return value;
  }
  return (options[options.length - 1] as [T, number])[0];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function chineseName(rng: Rng): string {
  const surname = SURNAMES[rng.int(SURNAMES.length)] as string;
  const length = rng.next() < 0.6 ? 2 : 1;
  let given = "";
  for (let i = 0; i < length; i++) given += GIVEN[rng.int(GIVEN.length)];
  return surname + given;
}

function skillsFor(rng: Rng, post: string | null): { skill: string; level: number }[] {
  const required = DEFAULT_POST_PROFILES.find((p) => p.code === post)?.requiredSkills ?? [];
  const chosen = new Map<string, number>();
  for (const skill of required) if (rng.next() < 0.85) chosen.set(skill, 3 + rng.int(3));
  const extra = 1 + rng.int(3);
  for (let i = 0; i < extra; i++) chosen.set(rng.pick(SKILLS), 1 + rng.int(5));
  return [...chosen]
    .map(([skill, level]) => ({ skill, level }))
    .sort((a, b) => a.skill.localeCompare(b.skill));
}

/** Builds the demo city for a seed. */
export function buildDemoCity(seed = DEMO_SEED): DemoCity {
  const rng = createRng(seed);
  const counties: DemoRegion[] = COUNTIES.map(([name, nameEn], i) => ({
    code: `${DEMO_CITY.code}${String(i + 1).padStart(2, "0")}`,
    name,
    nameEn: `${nameEn} County`,
    level: "county",
    parentCode: DEMO_CITY.code,
  }));
  const regions: DemoRegion[] = [{ ...DEMO_CITY, level: "city", parentCode: null }, ...counties];
  const countyCodes = counties.map((c) => c.code);
  const cadres: DemoCadre[] = [];
  const teams: DemoTeam[] = [];
  const assessments: DemoAssessment[] = [];
  let serial = 0;
  const nextId = () => `C${String(++serial).padStart(4, "0")}`;

  const education = () =>
    weighted<DemoCadre["education"]>(rng, [
      ["high-school", 1],
      ["associate", 8],
      ["bachelor", 52],
      ["master", 34],
      ["doctorate", 5],
    ]);
  /** Home county: usually the same for birth and growth; sometimes grew up elsewhere. */
  const origin = (): [string, string] => {
    const birth = rng.next() < 0.08 ? DEMO_CITY.code : rng.pick(countyCodes);
    const growth = rng.next() < 0.2 ? rng.pick(countyCodes) : birth;
    return [birth, growth];
  };

  for (const county of counties) {
    const seats: DemoTeam["seats"] = [];
    for (const post of TEAM_POSTS) {
      if (rng.next() < 0.07) {
        seats.push({ postCode: post, cadreId: null });
        continue;
      }
      const spec = DEFAULT_POST_PROFILES.find((p) => p.code === post);
      let [birthRegion, growthRegion] = origin();
      // Most avoidance posts are held by outsiders; a few breaches remain for the rules to find.
      if (
        spec?.avoidance &&
        (birthRegion === county.code || growthRegion === county.code) &&
        rng.next() < 0.85
      ) {
        birthRegion = rng.pick(countyCodes.filter((c) => c !== county.code));
        growthRegion = birthRegion;
      }
      // Posts without avoidance are mostly held by locals (R10 keeps locals ≥ 1/3 of a team).
      if (!spec?.avoidance && rng.next() < 0.88) {
        birthRegion = county.code;
        growthRegion = county.code;
      }
      const principal = post === "party-secretary" || post === "county-head";
      const birthYear = AS_OF_YEAR - (principal ? 45 + rng.int(12) : 38 + rng.int(18));
      const yearsInPost = round1(0.3 + rng.next() * (rng.next() < 0.08 ? 11.5 : 6.5));
      const yearsInLocality = round1(
        Math.min(yearsInPost + rng.next() * 6, yearsInPost + (rng.next() < 0.12 ? 8 : 3)),
      );
      const id = nextId();
      cadres.push({
        id,
        name: chineseName(rng),
        gender: rng.next() < 0.22 ? "female" : "male",
        birthYear,
        education: education(),
        birthRegion,
        growthRegion,
        currentRegion: county.code,
        currentPost: post,
        rank: principal ? "division" : "deputy-division",
        reserve: false,
        yearsInPost,
        yearsInLocality,
        lastPromotion: `${AS_OF_YEAR - Math.ceil(yearsInPost)}-0${1 + rng.int(9)}-15`,
        serviceYears: AS_OF_YEAR - birthYear - 22,
        grassrootsYears: 2 + rng.int(12),
        skills: skillsFor(rng, post),
        preferences: [],
      });
      seats.push({ postCode: post, cadreId: id });
    }
    teams.push({
      id: `T-${county.code}`,
      regionCode: county.code,
      name: `${county.name}党政领导班子`,
      seats,
    });
  }

  const reservePosts = DEFAULT_POST_PROFILES.filter((p) => !p.leading).map((p) => p.code);
  for (let i = 0; i < 150; i++) {
    const [birthRegion, growthRegion] = origin();
    const birthYear = AS_OF_YEAR - (32 + rng.int(16));
    const post = rng.pick(reservePosts);
    const preferenceCount = 2 + rng.int(4);
    const preferences = new Map<string, { region: string; post: string }>();
    for (let k = 0; k < preferenceCount; k++) {
      const choice = {
        region: rng.pick(countyCodes),
        post: rng.next() < 0.5 ? post : rng.pick(reservePosts),
      };
      preferences.set(`${choice.region}/${choice.post}`, choice);
    }
    cadres.push({
      id: nextId(),
      name: chineseName(rng),
      gender: rng.next() < 0.3 ? "female" : "male",
      birthYear,
      education: education(),
      birthRegion,
      growthRegion,
      currentRegion: rng.next() < 0.7 ? rng.pick(countyCodes) : DEMO_CITY.code,
      currentPost: null,
      rank: rng.next() < 0.6 ? "deputy-division" : "section",
      reserve: true,
      yearsInPost: round1(1 + rng.next() * 7),
      yearsInLocality: round1(1 + rng.next() * 9),
      lastPromotion: `${AS_OF_YEAR - 1 - rng.int(6)}-0${1 + rng.int(9)}-01`,
      serviceYears: AS_OF_YEAR - birthYear - 22,
      grassrootsYears: 1 + rng.int(10),
      skills: skillsFor(rng, post),
      preferences: [...preferences.values()],
    });
  }

  for (const cadre of cadres) {
    const shift = cadre.reserve ? scaled(LEADER_SHIFT, 0.6) : LEADER_SHIFT;
    assessments.push({
      id: `A-${cadre.id}-2026`,
      cadreId: cadre.id,
      takenOn: "2026-04-18",
      stens: sampleStenProfile(rng, shift),
    });
    // A third were also tested in the previous round: their history has two entries.
    if (rng.next() < 0.33)
      assessments.push({
        id: `A-${cadre.id}-2023`,
        cadreId: cadre.id,
        takenOn: "2023-05-20",
        stens: sampleStenProfile(rng, shift),
      });
  }

  return { regions, cadres, kin: kinLinks(rng, cadres, teams), assessments, teams };
}

function scaled(shift: Partial<FactorRecord>, factor: number): Partial<FactorRecord> {
  return Object.fromEntries(
    FACTORS.filter((f) => shift[f] !== undefined).map((f) => [f, (shift[f] as number) * factor]),
  );
}

/** A few kin pairs: mostly across teams or among reserves, one inside a team (an R2 breach to find). */
function kinLinks(rng: Rng, cadres: DemoCadre[], teams: DemoTeam[]): DemoCity["kin"] {
  const links = new Map<string, DemoCity["kin"][number]>();
  const add = (a: string, b: string, relation: DemoCity["kin"][number]["relation"]) => {
    if (a === b) return;
    const [cadreId, kinId] = a < b ? [a, b] : [b, a];
    links.set(`${cadreId}|${kinId}`, { cadreId, kinId, relation });
  };
  const relations = ["spouse", "lineal", "collateral", "in-law"] as const;
  for (let i = 0; i < 7; i++) add(rng.pick(cadres).id, rng.pick(cadres).id, rng.pick(relations));
  const team = rng.pick(teams);
  const members = team.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []));
  if (members.length >= 2) add(members[0] as string, members[members.length - 1] as string, "collateral");
  return [...links.values()];
}
