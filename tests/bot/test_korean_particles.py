"""Korean particles follow the person's own words: "“데이터 정리”가", "“코드 리뷰”를", "“디버깅하는 편”을"
(the coach had written "“데이터 정리”이 내 강점", "“…편”를", "오늘 산책을 했나요" was right only by luck)."""

from __future__ import annotations

import pytest

from bot.korean import particles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“데이터 정리”이(가) 내 강점", "“데이터 정리”가 내 강점"),
        ("“손님 응대”이(가) 내 강점", "“손님 응대”가 내 강점"),
        ("“반죽 온도”을(를) 바탕으로", "“반죽 온도”를 바탕으로"),
        ("“디버깅은 빨리 찾는 편”을(를) 바탕으로", "“디버깅은 빨리 찾는 편”을 바탕으로"),
        ("“산책”(으)로 돌아가", "“산책”으로 돌아가"),
        ("“그림 그리기”(으)로 돌아가", "“그림 그리기”로 돌아가"),
        ("“한 줄 일기 쓸”(으)로", "“한 줄 일기 쓸”로"),  # after ㄹ: 로
        ("'로그 읽기'은(는) 진행 중", "'로그 읽기'는 진행 중"),
        ("리뷰 날짜는 12월 9(이)었어요", "리뷰 날짜는 12월 9였어요"),
        ("리뷰 날짜는 12월 8일(이)었어요", "리뷰 날짜는 12월 8일이었어요"),
        ("“Python”을(를) 바탕으로", "“Python”을 바탕으로"),
        ("“SQL”을(를) 바탕으로", "“SQL”을 바탕으로"),
        ("“API”을(를) 바탕으로", "“API”를 바탕으로"),
        ("“Excel 매크로”과(와) 함께", "“Excel 매크로”와 함께"),
    ],
)
def test_a_particle_takes_the_form_its_word_calls_for(text, expected) -> None:
    assert particles(text) == expected


def test_text_without_particle_tokens_is_left_as_it_is() -> None:
    for text in ["오늘 했나요? (예/아니요)", "I will (maybe) read logs", "“(괄호)”라고 하셨어요"]:
        assert particles(text) == text


@pytest.mark.parametrize(
    ("strength", "particle"),
    [("데이터 정리", "가"), ("엑셀 단축키", "가"), ("손님 응대", "가"), ("숫자 감각", "이"), ("설명하는 편", "이")],
)
def test_the_guided_coach_checks_a_strength_with_the_right_particle(make_coach, strength, particle) -> None:
    coach = make_coach()
    for message in ["회사에서 성장이 멈춘 것 같아요", "팀장님 방식을 그대로 따라 하고 있어요", "기반은 갖춰졌어요"]:
        coach.ask(message, "ko")
    reply = coach.ask(f"{strength}.", "ko")  # a bare fragment is checked back before it is recorded
    assert f"“{strength}”{particle} 내 강점이라는 거죠" in reply.text, reply.text
    assert "(가)" not in reply.text and "(를)" not in reply.text and "(는)" not in reply.text, reply.text
