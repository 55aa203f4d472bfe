"""The guided coach closes the person's loop across conversations: a card that is due is brought up
when a conversation starts; a yes (in any words, both languages, or straight away how it went) goes
into that card's review and a "not now" lets the person go on; after the review, the next strength
comes from the person's bandit (bot/policy.py) and the coach says why in the bandit's words."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta, timezone

import pytest

from bot.guided import GuidedCoach
from bot.models import ChatMessage, ExperimentCard, Review, SessionState, Strength
from bot.person_models import Notebook, NotebookCard, NotebookStrength
from bot.policy import propose, with_session
from bot.words import load

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc)
PAST = dt.date(2026, 11, 1)
SAMPLES = load("sample_conversations")


class Conversation:
    """One conversation of a person whose record (strengths, earlier experiments) is given."""

    def __init__(self, embed, state: SessionState, record: Notebook | None = None, seed: int | None = None) -> None:
        kwargs = {"record": (lambda s: with_session(record, s))} if record is not None else {}
        self.coach = GuidedCoach(embed=embed, clock=lambda: NOW, seed=seed, **kwargs)
        self.state = state
        self.history: list[ChatMessage] = []

    def say(self, message: str):
        turn = self.coach.reply(self.state, message, list(self.history))
        self.history += [ChatMessage(role="user", content=message, created_at=NOW),
                         ChatMessage(role="assistant", content=turn.text, created_at=NOW)]
        return turn

    @property
    def step(self) -> str | None:
        return self.state.guided.step


def person(language: str, strength: str, *others: str, title: str = "") -> SessionState:
    """A new conversation of a person with a running card on `strength` whose review day has passed."""
    card = ExperimentCard(
        title=title or ("Raw logs every morning" if language == "en" else "매일 아침 로그 읽기"), strength=strength,
        status="running", action="I will read raw logs for 20 minutes each morning for 7 days", duration_days=7,
        daily_check="Did I read logs today?", review_on=NOW.date() - timedelta(days=2),
    )
    strengths = [Strength(name=name) for name in (strength, *others)]
    return SessionState(session_id=f"loop-{language}", language=language, strengths=strengths, experiments=[card],
                        offline_notice_shown=True)


def record(*arms: tuple[str, list[int]], untested: tuple[str, ...] = ()) -> Notebook:
    """Earlier reviewed experiments per strength (and strengths never tested)."""
    strengths = [NotebookStrength(id=f"s{i}", name=name) for i, (name, _) in enumerate(arms)]
    strengths += [NotebookStrength(id=f"u{i}", name=name) for i, name in enumerate(untested)]
    cards = [
        NotebookCard(card=ExperimentCard(title=f"{name} #{i}", strength=name, status="reviewed",
                                         review=Review(outcome="…", reward=reward, date=PAST + timedelta(days=7 * i))))
        for name, rewards in arms for i, reward in enumerate(rewards)
    ]
    return Notebook(owner="local", strengths=strengths, cards=cards)


def review(c: Conversation, reward: str, language: str = "en"):
    """Take up the due card and review it, with no "next" of the person's own."""
    en = language == "en"
    c.say("Hello" if en else "안녕하세요")
    assert c.step == "review_due"
    c.say("yes" if en else "네")
    assert c.step == "review_outcome"
    c.say("I read logs on four mornings and wrote down what I saw." if en else "나흘 아침에 로그를 읽고 본 것을 적었어요.")
    c.say(reward)
    c.say("Plus: I saw real patterns. Minus: mornings were hard to protect." if en else "잘된 점은 패턴이 보인 거예요. 아쉬운 점은 아침 시간을 지키기 힘들었던 거예요.")
    return c.say("I don't know" if en else "모르겠어요")


# -- the bandit's next step, said in its words -------------------------------------------------------


def test_a_strength_that_paid_is_exploited_with_the_bandits_reason(embeddings):
    c = Conversation(embeddings.embed_query, person("en", "reading raw logs", "automation scripts"),
                     record(("reading raw logs", [2, 1]), untested=("automation scripts",)), seed=0)
    turn = review(c, "+2")
    assert "Saved the review of “Raw logs every morning”: reward +2." in turn.text and "That paid off." in turn.text
    assert "From your record: exploit — 'reading raw logs' paid +1.7 on average over 3 experiment(s)." in turn.text
    suggestion = c.state.guided.suggestion
    assert suggestion.strength == "reading raw logs" and suggestion.kind == "exploit"
    assert "I will do more of what worked in “Raw logs every morning” (“I saw real patterns”)" in turn.text
    assert c.step == "design_pick"
    done = c.state.experiments[0].review  # what was learnt, in their words without the labels they put first
    assert (done.reward, done.plus, done.minus) == (2, "I saw real patterns.", "mornings were hard to protect.")


def test_after_a_failure_the_untested_strength_is_explored(embeddings):
    c = Conversation(embeddings.embed_query, person("en", "copying the senior's slides", "automation scripts"),
                     record(("copying the senior's slides", [-2]), untested=("automation scripts",)), seed=1)
    turn = review(c, "-1")
    assert "That's information, not failure." in turn.text
    assert "From your record: explore — you haven't tested 'automation scripts' yet." in turn.text
    assert c.state.guided.suggestion.strength == "automation scripts"
    assert "I will try “automation scripts” my own way" in turn.text


def test_when_nothing_paid_the_closest_is_tried_again_with_one_change(embeddings):
    c = Conversation(embeddings.embed_query, person("en", "reading raw logs", "copying the senior's slides"),
                     record(("copying the senior's slides", [-2])), seed=1)
    turn = review(c, "-1")
    assert "From your record: explore — nothing has paid off yet; 'reading raw logs' came closest (-1.0 over 1)." in turn.text
    assert "So keep “reading raw logs” and change one thing." in turn.text
    assert "I will run “Raw logs every morning” again with one change" in turn.text


def test_the_reason_is_in_the_persons_language(embeddings):
    c = Conversation(embeddings.embed_query, person("ko", "남의 슬라이드 베끼기", "자동화 스크립트"),
                     record(("남의 슬라이드 베끼기", [-2]), untested=("자동화 스크립트",)), seed=1)
    turn = review(c, "-1", "ko")
    assert "실패가 아니라 정보예요." in turn.text
    assert "지금까지의 기록으로 보면: 탐색 — '자동화 스크립트'는 아직 시험해 보지 않았어요." in turn.text
    assert "“자동화 스크립트”에서 출발해 매일 20분씩 내 방식대로 해 보고" in turn.text
    done = c.state.experiments[0].review
    assert (done.plus, done.minus) == ("패턴이 보인 거예요.", "아침 시간을 지키기 힘들었던 거예요.")
    assert "From your record" not in turn.text


def test_the_guided_coach_follows_the_bandit_under_each_seed(embeddings):
    """Not a fixed rule: across seeds the proposal is the bandit's, exploit or explore, deterministic."""
    kinds = set()
    for seed in range(6):
        history = record(("reading raw logs", [2, 1]), untested=("automation scripts",))
        c = Conversation(embeddings.embed_query, person("en", "reading raw logs", "automation scripts"), history, seed=seed)
        turn = review(c, "+2")
        expected = propose(with_session(history, c.state), seed=seed)
        assert f"From your record: {expected.reason}." in turn.text
        assert c.state.guided.suggestion.strength == expected.strength
        kinds.add(expected.kind)
        again = Conversation(embeddings.embed_query, person("en", "reading raw logs", "automation scripts"), history, seed=seed)
        assert review(again, "+2").text == turn.text  # the same seed, the same words
    assert kinds == {"exploit", "explore"}


def test_a_persons_own_next_is_the_card_and_the_bandit_is_said_beside_it(embeddings):
    c = Conversation(embeddings.embed_query, person("en", "reading raw logs", "automation scripts"),
                     record(("reading raw logs", [2, 1]), untested=("automation scripts",)), seed=2)  # seed 2: explore
    c.say("Hello")
    for message in ("yes", "I read logs on four mornings and wrote down what I saw.", "+1", "Plus: I saw real patterns. Minus: mornings were hard to protect."):
        c.say(message)
    turn = c.say("Keep it, but read the logs after lunch.")
    assert "You already said what's next: “Keep it, but read the logs after lunch”." in turn.text
    assert "After that one, your record points to “automation scripts”: explore — you haven't tested 'automation scripts' yet." in turn.text
    assert c.state.guided.suggestion.kind == "next" and c.state.guided.suggestion.strength == "reading raw logs"


def test_starting_a_new_experiment_after_a_review_leads_with_the_bandits_pick(embeddings):
    state = person("en", "reading raw logs", "automation scripts")
    state.experiments[0].status = "reviewed"
    state.experiments[0].review = Review(outcome="fine", reward=-2, date=PAST)
    c = Conversation(embeddings.embed_query, state, record(untested=("automation scripts",)), seed=0)
    c.history = [ChatMessage(role="user", content="earlier", created_at=NOW)]
    state.guided.reviews_seen.append(state.experiments[0].id)
    turn = c.say("I want to plan a new experiment")
    assert "From your record: explore — you haven't tested 'automation scripts' yet." in turn.text
    assert "Let's build on “automation scripts”." in turn.text


# -- a due card when a conversation starts -----------------------------------------------------------

YES = {
    "en": ["yes", "Sure, let's look", "ok", "go ahead", "Let's review it", "the first one", "Yeah why not", "alright then", "1"],
    "ko": ["네", "좋아요", "그래요, 봐요", "리뷰해요", "첫 번째요", "그럼요", "네네 같이 봐요", "ㅇㅇ"],
}
NOT_NOW = {
    "en": ["not now", "No", "later", "Maybe another time", "not today, thanks", "I'd rather not", "nope", "Not yet, it's still running", "2"],
    "ko": ["아니요", "지금은 말고요", "나중에요", "다음에 할게요", "오늘은 패스", "아뇨 괜찮아요", "싫어요", "아직이요, 아직 하고 있어요"],
}
TOLD = {
    "en": ["It flopped, honestly.", "Pretty good! I did it most days and found a bug.", "Half the days. Meh.", "It didn't work, standups ate every morning"],
    "ko": ["망했어요", "반쯤 했어요", "꽤 잘 됐어요. 거의 매일 했고 버그도 하나 찾았어요", "사흘 하고 포기했어요"],
}


def opened(embed, language: str) -> Conversation:
    c = Conversation(embed, person(language, "reading raw logs"))
    turn = c.say("Hello" if language == "en" else "안녕하세요")
    due = NOW.date() - timedelta(days=2)
    if language == "en":
        assert f"Your experiment “Raw logs every morning” was due on {due.day} {due:%B} — shall we look at how it went?" in turn.text
        assert turn.options == ["Yes, let's look", "Not now"]
    else:
        assert f"“매일 아침 로그 읽기” 실험의 리뷰 날짜가 {due.month}월 {due.day}일이었어요 — 어떻게 됐는지 같이 볼까요?" in turn.text
        assert turn.options == ["네, 같이 봐요", "지금은 말고요"]
    return c


@pytest.mark.parametrize("language", ["en", "ko"])
def test_yes_in_any_words_goes_into_that_cards_review(embeddings, language):
    for message in YES[language]:
        c = opened(embeddings.embed_query, language)
        turn = c.say(message)
        assert c.step == "review_outcome", (message, turn.text)
        assert c.state.guided.review.card == c.state.experiments[0].id
        assert ("How did “Raw logs every morning” go?" if language == "en" else "“매일 아침 로그 읽기” 실험은 어땠나요?") in turn.text


@pytest.mark.parametrize("language", ["en", "ko"])
def test_not_now_lets_the_person_go_on(embeddings, language):
    for message in NOT_NOW[language]:
        c = opened(embeddings.embed_query, language)
        turn = c.say(message)
        assert c.step == "open" and c.state.guided.review is None, (message, turn.text)
        assert c.state.experiments[0].status == "running"
        assert ("stays on your board" if language == "en" else "보드에 그대로 있어요") in turn.text


@pytest.mark.parametrize("language", ["en", "ko"])
def test_telling_how_it_went_is_the_reviews_first_answer(embeddings, language):
    for message in TOLD[language]:
        c = opened(embeddings.embed_query, language)
        c.say(message)
        assert c.step == "review_reward", message
        assert c.state.guided.review.outcome == message


def test_a_question_at_the_due_question_is_answered_then_asked_again_briefly(embeddings):
    c = opened(embeddings.embed_query, "en")
    turn = c.say("What does on-policy mean?")
    assert "on-policy" in turn.text.lower() and turn.text.rstrip().endswith("Shall we look at how “Raw logs every morning” went?")
    assert "was due on" not in turn.text and c.step == "review_due"
    c.say("yes")
    assert c.step == "review_outcome"


def test_results_as_the_first_message_start_the_review_without_asking(embeddings):
    c = Conversation(embeddings.embed_query, person("ko", "reading raw logs"))
    turn = c.say("생각보다 잘 됐어요. 7일 중 5일 했고 같은 장애가 반복되는 걸 찾았어요.")
    assert c.step == "review_reward" and "리뷰 날짜는" in turn.text and "같이 볼까요" not in turn.text


# -- two conversations of the same person, through the Coach ------------------------------------------


def first_conversation(coach, language: str) -> ExperimentCard:
    session = None
    for message in SAMPLES[language]["visit"]:
        reply = coach.ask(message, session)
        session = reply.session_id
    [card] = [c for c in coach.notebook().cards if c.card.status == "running"]
    return card.card


def test_english_a_due_card_is_reviewed_in_the_next_conversation_and_the_loop_closes(make_coach):
    coach = make_coach()
    card = first_conversation(coach, "en")
    coach.today = lambda: card.review_on + timedelta(days=1)  # a day after the review date

    hello = coach.ask("Hello")
    assert hello.text.startswith(f"Your experiment '{card.title}' was due on")
    assert hello.options == ["Yes, let's look", "Not now"]
    coach.ask("Sure, let's look", hello.session_id)
    coach.ask("I read logs on 16 of 21 mornings and posted three notes; one found a real bug.", hello.session_id)
    coach.ask("+2", hello.session_id)
    coach.ask("The notes got replies. But standups ate some mornings.", hello.session_id)
    done = coach.ask("Not sure.", hello.session_id)

    reviewed = coach.card(card.id).card
    assert reviewed.status == "reviewed" and reviewed.review.reward == 2 and "16 of 21 mornings" in reviewed.review.outcome
    assert reviewed.review.minus == "standups ate some mornings."  # their words, without the "But"
    proposal = coach.next_proposal(language="en")  # the bandit over the person's notebook, as Coach says it
    assert f"From your record: {proposal.reason}." in done.text
    assert proposal.reason.startswith(("exploit — ", "explore — "))
    assert not coach.due()  # nothing is due any more
    later = coach.ask("Hello", None)  # a third conversation: nothing due to bring up
    assert "was due on" not in later.text


def test_korean_not_now_then_a_report_in_the_next_conversation(make_coach):
    coach = make_coach()
    card = first_conversation(coach, "ko")
    coach.today = lambda: card.review_on + timedelta(days=3)

    hello = coach.ask("안녕하세요")
    assert hello.text.startswith(f"'{card.title}' 실험의 리뷰 날짜가")
    put_off = coach.ask("지금은 말고요", hello.session_id)
    assert "보드에 그대로 있어요" in put_off.text
    assert [d.id for d in coach.due()] == [card.id]  # still due, still running

    report = coach.ask("사흘 하고 포기했어요. 장애 대응 때문에 아침 시간이 계속 날아갔어요.", None)  # a new conversation
    assert "리뷰 날짜는" in report.text and coach.state(report.session_id).guided.step == "review_reward"
    for message in ("-1", "잘된 점은 첫 이틀이었어요. 아쉬운 점은 아침 시간을 못 지킨 거예요."):
        coach.ask(message, report.session_id)
    done = coach.ask("모르겠어요", report.session_id)
    reviewed = coach.card(card.id).card
    assert reviewed.status == "reviewed" and reviewed.review.reward == -1 and "포기" in reviewed.review.outcome
    assert "실패가 아니라 정보예요." in done.text
    assert f"지금까지의 기록으로 보면: {coach.next_proposal(language='ko').reason}." in done.text


def test_an_own_next_in_i_will_form_keeps_its_length_and_says_i_will_once(embeddings):
    c = Conversation(embeddings.embed_query, person("en", "reading raw logs"), record(("reading raw logs", [1])), seed=0)
    for message in ("Hello", "yes", "I read logs on four mornings and wrote down what I saw.", "-1",
                    "Plus: I saw real patterns. Minus: mornings were hard to protect."):
        c.say(message)
    turn = c.say("I will read raw logs after lunch instead, for 10 days")
    assert "My proposal for the next experiment: I will read raw logs after lunch instead for 10 days." in turn.text
    assert "I will i will" not in turn.text.lower() and c.state.guided.suggestion.days == 10


@pytest.mark.parametrize(("language", "put_off", "ready"), [
    ("en", "not now", "ok, I'm ready to review"), ("ko", "지금은 말고요", "이제 리뷰할게요"),
])
def test_a_review_put_off_is_taken_up_when_the_person_asks_for_it(embeddings, language, put_off, ready):
    c = opened(embeddings.embed_query, language)
    c.say(put_off)
    c.say(ready)  # what the put-off reply tells them to say, in their own words
    assert c.step == "review_outcome" and c.state.guided.review.card == c.state.experiments[0].id
