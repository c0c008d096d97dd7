"""The demo hearing: the Zaysan border case, told as two reporters' liveblog.

Written for Courtwire from the public facts of the case; loaded on first start
through the same store calls as live posts, so its log replays like a real hearing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from courtwire.model import EntryKind, HearingStatus, SpeakerRole


@dataclass(frozen=True)
class Post:
    """A reporter publishes an entry; `ref` names it for later revisions."""

    at: str
    ref: str
    author: str
    kind: EntryKind
    body: str
    speaker: tuple[SpeakerRole, str | None] | None = None
    key: bool = False
    pinned: bool = False


@dataclass(frozen=True)
class Revise:
    """A reporter revises an earlier entry (fields as in the PATCH API)."""

    at: str
    ref: str
    author: str
    changes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Status:
    """The hearing's status changes."""

    at: str
    status: HearingStatus


Step = Post | Revise | Status

REPORTERS = ("aigerim", "daniyar")

_JUDGE = (SpeakerRole.JUDGE, None)
_PROSECUTOR = (SpeakerRole.PROSECUTION, "Erzhan Azimbayev")
_AKHATOVA = (SpeakerRole.DEFENCE, "Lyazzat Akhatova")
_MUSAKHANULY = (SpeakerRole.DEFENDANT, "Qaster Musakhanuly")
_ALIMULY = (SpeakerRole.DEFENDANT, "Murager Alimuly")

HEARING = {
    "slug": "zaysan-border-case",
    "title": "Zaysan border case: two Xinjiang refugees on trial",
    "court": "Zaysan District Court",
    "case_ref": "Criminal case (illegal crossing of the state border)",
    "location": "Zaysan, East Kazakhstan Region",
    "timezone": "Asia/Almaty",
    "scheduled_start": "2020-01-06T10:00:00+06:00",
    "description": (
        "Murager Alimuly and Qaster Musakhanuly, ethnic Kazakhs who fled China's Xinjiang "
        "region, are tried for crossing into Kazakhstan illegally. They have asked for "
        "asylum and fear being returned to China."
    ),
    # The people the seed article (/work/shared/seed) names; it does not name the judge.
    "cast": [
        {"role": "prosecution", "name": "Erzhan Azimbayev"},
        {"role": "defence", "name": "Lyazzat Akhatova"},
        {"role": "defendant", "name": "Qaster Musakhanuly"},
        {"role": "defendant", "name": "Murager Alimuly"},
    ],
}

STEPS: tuple[Step, ...] = (
    # Session 1: Monday 6 January 2020
    Status("2020-01-06T10:00:00+06:00", HearingStatus.LIVE),
    Post(
        "2020-01-06T10:02:00+06:00",
        "opening",
        "aigerim",
        EntryKind.PROCEDURAL,
        (
            "Court is in session in Zaysan. The judge opens the trial of **Murager Alimuly** "
            "and **Qaster Musakhanuly**, both charged with illegally crossing the state "
            "border of Kazakhstan."
        ),
        _JUDGE,
    ),
    Post(
        "2020-01-06T10:06:00+06:00",
        "who-they-are",
        "daniyar",
        EntryKind.SUMMARY,
        (
            "**Background:** both men are ethnic Kazakhs from China's Xinjiang region. "
            "They say they fled because of the Chinese authorities' oppression of ethnic "
            "minorities there, and crossed into Kazakhstan without permission."
        ),
    ),
    Post(
        "2020-01-06T10:10:00+06:00",
        "activists-arrive",
        "daniyar",
        EntryKind.OUTSIDE,
        (
            "Dozens of activists are here to follow the case. Many have travelled to Zaysan "
            "from other parts of the country to show support for the two men."
        ),
    ),
    Post(
        "2020-01-06T10:18:00+06:00",
        "charge-read",
        "aigerim",
        EntryKind.PROCEDURAL,
        (
            "The prosecution sets out the charge: illegal crossing of the state border. "
            "Both defendants follow from the dock."
        ),
        (SpeakerRole.PROSECUTION, None),
    ),
    Post(
        "2020-01-06T10:30:00+06:00",
        "press-conference",
        "daniyar",
        EntryKind.SUMMARY,
        (
            "**How we got here:** the pair's escape became public at a press conference in "
            "Almaty on 14 October, where they said they wanted asylum in their historical "
            "homeland. They were later taken into custody to face trial over the crossing."
        ),
    ),
    Post(
        "2020-01-06T10:41:00+06:00",
        "witness-ruling",
        "aigerim",
        EntryKind.RULING,
        (
            "The judge rules on the witness list: only a few of the witnesses will be "
            "allowed to give evidence at this session."
        ),
        _JUDGE,
    ),
    Post(
        "2020-01-06T10:50:00+06:00",
        "witness-1",
        "aigerim",
        EntryKind.TESTIMONY,
        (
            "The first witness is called to the stand and answers questions from the "
            "prosecution, then from the defence."
        ),
        (SpeakerRole.WITNESS, None),
    ),
    Post(
        "2020-01-06T11:25:00+06:00",
        "border-service",
        "daniyar",
        EntryKind.SUMMARY,
        (
            "**Context:** in early December the head of the Border Service, Darkhan "
            "Dilmanov, said the two men would be handed back to China. “The chances of "
            "them staying here are zero,” he said at the time."
        ),
    ),
    Post(
        "2020-01-06T11:40:00+06:00",
        "witness-2",
        "aigerim",
        EntryKind.TESTIMONY,
        (
            "A second witness gives evidence. Both sides put their questions; the judge "
            "keeps the examination brief."
        ),
        (SpeakerRole.WITNESS, None),
    ),
    Post(
        "2020-01-06T12:10:00+06:00",
        "azanov-convention",
        "daniyar",
        EntryKind.SUMMARY,
        (
            "Another of the men's lawyers, **Bauyrzhan Azanov**, has disputed reports of an "
            "imminent handover. He argues the Refugee Convention bars their deportation to "
            "China, as they hold papers confirming their asylum application in Kazakhstan."
        ),
    ),
    Post(
        "2020-01-06T12:35:00+06:00",
        "witnesses-done",
        "aigerim",
        EntryKind.PROCEDURAL,
        "No further witnesses are heard today. The judge turns to scheduling.",
        _JUDGE,
    ),
    Post(
        "2020-01-06T12:55:00+06:00",
        "adjourn-1",
        "aigerim",
        EntryKind.PROCEDURAL,
        (
            "The judge adjourns the hearing. The trial will resume on **20 January**. "
            "The defendants are led out."
        ),
        _JUDGE,
    ),
    Status("2020-01-06T13:00:00+06:00", HearingStatus.ADJOURNED),
    Post(
        "2020-01-06T13:10:00+06:00",
        "day-1-wrap",
        "daniyar",
        EntryKind.SUMMARY,
        (
            "**Day one in brief:** the trial opened in Zaysan, only a few witnesses were "
            "allowed to testify, and activists from across Kazakhstan came to support the "
            "defendants. The case resumes on 20 January."
        ),
    ),
    # Session 2: Monday 20 January 2020
    Post(
        "2020-01-20T09:35:00+06:00",
        "day-2-preview",
        "daniyar",
        EntryKind.SUMMARY,
        (
            "Good morning from Zaysan, where the final session is due today. The key "
            "question is whether the men will be sent back to China. Their lawyer Lyazzat "
            "Akhatova has warned they could face the death penalty there."
        ),
    ),
    Post(
        "2020-01-20T09:50:00+06:00",
        "crowd-gathers",
        "daniyar",
        EntryKind.OUTSIDE,
        "Supporters are gathering in front of the court building ahead of the session.",
    ),
    Status("2020-01-20T10:00:00+06:00", HearingStatus.LIVE),
    Post(
        "2020-01-20T10:03:00+06:00",
        "session-2-open",
        "aigerim",
        EntryKind.PROCEDURAL,
        "The judge enters and the final session begins. Alimuly and Musakhanuly are in the dock.",
        _JUDGE,
    ),
    Post(
        "2020-01-20T10:08:00+06:00",
        "closing-invited",
        "aigerim",
        EntryKind.PROCEDURAL,
        "Soon after the start, the judge invites both sides to make their closing arguments.",
        _JUDGE,
    ),
    Post(
        "2020-01-20T10:12:00+06:00",
        "prosecution-closing",
        "aigerim",
        EntryKind.NOTE,
        (
            "State prosecutor **Erzhan Azimbayev** goes first. He says the defendants' "
            "guilt is proven by the witnesses' testimony, by their own testimony and by "
            "the records of the examination of the scene."
        ),
        _PROSECUTOR,
    ),
    Post(
        "2020-01-20T10:24:00+06:00",
        "defence-closing",
        "daniyar",
        EntryKind.NOTE,
        (
            "Defence lawyer **Lyazzat Akhatova** tells the court her clients had no choice: "
            "they crossed the border illegally to save themselves from persecution by the "
            "state authorities in Xinjiang."
        ),
        _AKHATOVA,
    ),
    Post(
        "2020-01-20T10:31:00+06:00",
        "defence-any-sentence",
        "daniyar",
        EntryKind.NOTE,
        (
            "Akhatova reminds the judge of the defence's position from the outset: it will "
            "accept any sentence, as long as the two men are allowed to stay in Kazakhstan."
        ),
        _AKHATOVA,
    ),
    Post(
        "2020-01-20T10:40:00+06:00",
        "plea-musakhanuly",
        "aigerim",
        EntryKind.TESTIMONY,
        (
            "**Qaster Musakhanuly admits his guilt.** He asks the court one thing: not to "
            "send him back to China."
        ),
        _MUSAKHANULY,
        key=True,
    ),
    Post(
        "2020-01-20T10:46:00+06:00",
        "plea-alimuly",
        "aigerim",
        EntryKind.TESTIMONY,
        (
            "**Murager Alimuly also admits his guilt** and likewise asks not to be returned "
            "to China."
        ),
        _ALIMULY,
        key=True,
    ),
    Post(
        "2020-01-20T10:55:00+06:00",
        "judge-retires",
        "aigerim",
        EntryKind.PROCEDURAL,
        "The judge retires to deliberate. The court is in recess until the verdict.",
        _JUDGE,
    ),
    Status("2020-01-20T10:56:00+06:00", HearingStatus.RECESS),
    Post(
        "2020-01-20T11:20:00+06:00",
        "waiting-outside",
        "daniyar",
        EntryKind.OUTSIDE,
        (
            "Outside, the crowd in front of the court building waits for news. The question "
            "everyone is asking: prison in Kazakhstan, or deportation to China?"
        ),
    ),
    Status("2020-01-20T11:55:00+06:00", HearingStatus.LIVE),
    Post(
        "2020-01-20T11:56:00+06:00",
        "judge-returns",
        "aigerim",
        EntryKind.PROCEDURAL,
        (
            "The judge is back and begins reading the verdict. Some people in the courtroom "
            "are streaming the moment live."
        ),
        _JUDGE,
    ),
    Post(
        "2020-01-20T11:59:00+06:00",
        "verdict",
        "aigerim",
        EntryKind.VERDICT,
        (
            "**Guilty.** The court finds Murager Alimuly and Qaster Musakhanuly guilty of "
            "illegally crossing the state border of Kazakhstan."
        ),
        _JUDGE,
        key=True,
    ),
    Post(
        "2020-01-20T12:01:00+06:00",
        "sentence",
        "aigerim",
        EntryKind.SENTENCE,
        "**Sentence: one year in prison** for each of the two men.",
        _JUDGE,
        key=True,
    ),
    Post(
        "2020-01-20T12:02:00+06:00",
        "no-deportation",
        "aigerim",
        EntryKind.RULING,
        (
            "**No deportation.** The men are not to be sent back to China; they will serve "
            "their sentence in Kazakhstan."
        ),
        _JUDGE,
        key=True,
    ),
    Post(
        "2020-01-20T12:04:00+06:00",
        "circumstances",
        "daniyar",
        EntryKind.NOTE,
        (
            "The one-year term reflects aggravating circumstances. On the other side of the "
            "scale: the men turned themselves in voluntarily, helped the investigation, and "
            "have underage children."
        ),
    ),
    Post(
        "2020-01-20T12:06:00+06:00",
        "time-served",
        "aigerim",
        EntryKind.NOTE,
        (
            "The men have already spent 3 months in pre-trial detention, which counts double "
            "under the law. That leaves them roughly **five months** still to serve."
        ),
    ),
    Post(
        "2020-01-20T12:08:00+06:00",
        "celebration",
        "daniyar",
        EntryKind.OUTSIDE,
        (
            "Cheers in front of the court building as the news spreads. The crowd celebrates "
            "and breaks into the Kazakh national anthem."
        ),
    ),
    Revise(
        "2020-01-20T12:12:00+06:00",
        "time-served",
        "aigerim",
        {
            "body": (
                "The men have already spent 3 months and 3 days in pre-trial detention, which "
                "under the new law counts as 6 months and 6 days. That leaves them roughly "
                "**five months** still to serve."
            ),
            "correction": (
                "An earlier version understated the time already served in pre-trial detention."
            ),
        },
    ),
    Post(
        "2020-01-20T12:15:00+06:00",
        "akhatova-victory",
        "daniyar",
        EntryKind.QUOTE,
        (
            "Defence lawyer Lyazzat Akhatova, moments after the sentence: “This has to be "
            "seen as a victory.”"
        ),
        _AKHATOVA,
    ),
    Post(
        "2020-01-20T12:18:00+06:00",
        "akhatova-next",
        "daniyar",
        EntryKind.NOTE,
        (
            "Akhatova says the main thing is that her clients stay in the country. Once they "
            "are released from prison, she says, the question of granting them refugee "
            "status will be taken up."
        ),
        _AKHATOVA,
    ),
    Post(
        "2020-01-20T12:22:00+06:00",
        "outcome",
        "aigerim",
        EntryKind.SUMMARY,
        (
            "**The outcome:** Alimuly and Musakhanuly, who admitted illegally crossing from "
            "China, get **one year in prison** and will **not be deported**. With time "
            "served counted double, about five months remain. Refugee status is to be "
            "addressed after their release."
        ),
        pinned=True,
    ),
    Post(
        "2020-01-20T12:27:00+06:00",
        "court-closes",
        "aigerim",
        EntryKind.PROCEDURAL,
        "The judge closes the hearing. That concludes our coverage from Zaysan.",
        _JUDGE,
    ),
    Status("2020-01-20T12:30:00+06:00", HearingStatus.CLOSED),
)
