/**
 * The strings of the decision loop (issue 14): stale markers on saved results, whether a team with
 * vacancies can still be completed, and why accepting or carrying out was refused. Merged into
 * i18n.js's tables.
 */
export const zh = {
  "stale.title": "结果可能已过时",
  "stale.since": "自 {since} 起，以下变动影响了这一结果；已排队重新排序，完成后刷新即可看到新结果。",
  "stale.omitted": "另有 {n} 项变动未列出。",
  "stale.storedScore": "已保存的得分 {score}（第 {version} 版）",
  "saved.title": "{team} 已保存的建议",
  "saved.when": "排序时间",
  "saved.status": "状态",
  "saved.fresh": "是否最新",
  "saved.stale": "可能已过时（{n} 项变动）",
  "saved.current": "最新",
  "saved.open": "查看",
  "complete.yes": "可补齐",
  "complete.no": "无法补齐",
  "complete.title": "空缺能否补齐",
  "complete.intro.default": "按配备建议的默认候选人库判断（储备干部，不含现任成员）。",
  "complete.intro.any": "不论候选人库如何都无法补齐。",
  "complete.none": "未发现阻碍补齐的原因（不等于一定存在可行方案）。",
  "place.nowInfeasible": "按今天的数据，这一方案已不可行，未作任何更改。请重新生成建议。",
  "place.nowInfeasibleRule": "{rule} {name}",
  "place.seat": "第{seat}席 {post}",
  "place.people": "涉及：{people}",
  "place.locked": "有干部所在的席位已锁定，需先解锁才能调整。",
  "place.rankingChanged":
    "这组建议已按最新数据重新排序，您看到的方案可能已变化。请刷新后查看最新排序再采纳。",
  "place.inProgress": "同一操作正在进行中，请稍候再试。",
  "place.scoreChanged": "得分：生成建议时 {before}，按今天的数据 {now}。",
  "place.moved": "{name}：{before} → {after}",
  "place.promoted": "（晋升）",
  "place.vacatedSeat": "{team} 第{seat}席（{cadre}）",
};

export const en = {
  "stale.title": "This result may be out of date",
  "stale.since":
    "Since {since}, the changes below affect this result; a re-rank is queued — reload once it has run to see the new result.",
  "stale.omitted": "{n} more changes are not listed.",
  "stale.storedScore": "Stored score {score} (version {version})",
  "saved.title": "Saved suggestions for {team}",
  "saved.when": "Ranked at",
  "saved.status": "Status",
  "saved.fresh": "Up to date?",
  "saved.stale": "may be out of date ({n} changes)",
  "saved.current": "current",
  "saved.open": "Open",
  "complete.yes": "completable",
  "complete.no": "cannot be completed",
  "complete.title": "Can the vacancies be filled?",
  "complete.intro.default":
    "Judged with the candidate pool a suggestion would use (reserve cadres, holders left out).",
  "complete.intro.any": "No candidate pool could complete it.",
  "complete.none": "Nothing found that rules out completing it (this is not a proof that it can be).",
  "place.nowInfeasible":
    "On today's data this option is no longer feasible; nothing was changed. Ask for suggestions again.",
  "place.nowInfeasibleRule": "{rule} {name}",
  "place.seat": "seat {seat} {post}",
  "place.people": "involving {people}",
  "place.locked": "A seat one of the cadres holds is locked; unlock it first.",
  "place.rankingChanged":
    "These suggestions were re-ranked on newer data; the option you saw may have changed. Reload and accept from the current ranking.",
  "place.inProgress": "The same request is still running; try again shortly.",
  "place.scoreChanged": "Score: {before} when suggested, {now} on today's data.",
  "place.moved": "{name}: {before} → {after}",
  "place.promoted": " (promotion)",
  "place.vacatedSeat": "{team} seat {seat} ({cadre})",
};
