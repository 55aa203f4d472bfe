"""The page's look: a Gradio theme and the CSS for the coach's own blocks (sources, cards, chips)."""

from __future__ import annotations

# System fonts only (nothing is fetched); Hangul falls through to the first Korean font present.
FONTS = [
    "Pretendard",
    "Apple SD Gothic Neo",
    "Noto Sans KR",
    "Malgun Gothic",
    "NanumGothic",
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "sans-serif",
]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "NanumGothicCoding", "monospace"]

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto !important; }
footer { opacity: .7; }

.coach-header { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  flex-wrap: wrap; padding: .25rem .25rem .5rem; }
.coach-header h1 { margin: 0; font-size: 1.55rem; font-weight: 700; letter-spacing: -.01em; }
.coach-header p { margin: .2rem 0 0; color: var(--body-text-color-subdued); font-size: .92rem; }
.coach-mode { display: inline-block; padding: .3rem .75rem; border-radius: 999px; font-size: .82rem;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  white-space: nowrap; max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
.coach-mode-model { color: var(--color-accent); }
.coach-mode-guided { color: #b45309; }
#coach-notice { border-left: 3px solid #f59e0b; background: var(--background-fill-secondary);
  padding: .6rem .9rem; border-radius: var(--radius-md); font-size: .9rem; }
#coach-notice p { margin: 0; }

#coach-chat .message-wrap { font-size: .98rem; }
.coach-sources { margin-top: .6rem; font-size: .86rem; }
.coach-sources summary { cursor: pointer; color: var(--body-text-color-subdued); list-style: none;
  display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
.coach-sources summary::-webkit-details-marker { display: none; }
.coach-sources summary::before { content: "▸"; margin-right: .15rem; }
.coach-sources[open] summary::before { content: "▾"; }
.coach-passage { margin: .5rem 0 0 !important; padding: .45rem .7rem !important;
  border-left: 3px solid var(--color-accent) !important; background: var(--background-fill-secondary);
  border-radius: 0 var(--radius-md) var(--radius-md) 0; font-size: .86rem; line-height: 1.55; }
code.pid { font-size: .76rem; padding: .05rem .35rem; border-radius: 4px;
  background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
.coach-rendering-label { color: var(--body-text-color-subdued); font-size: .75rem; font-style: italic; }
.coach-original summary { cursor: pointer; color: var(--body-text-color-subdued); font-size: .78rem; }

.coach-empty { color: var(--body-text-color-subdued); font-size: .9rem; padding: .75rem .25rem; line-height: 1.6; }
.coach-kind h4 { margin: .4rem 0 .35rem; font-size: .85rem; color: var(--body-text-color-subdued); font-weight: 600; }
.coach-chips { display: flex; flex-wrap: wrap; gap: .35rem; }
.coach-chip { padding: .25rem .65rem; border-radius: 999px; font-size: .86rem;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary); }
.coach-chip-strength { border-color: var(--color-accent); }
.coach-chip-drain { opacity: .8; }
.coach-chip-overused { border-style: dashed; }

.coach-board { display: flex; flex-direction: column; gap: .7rem; }
.coach-card { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  padding: .75rem .9rem; background: var(--background-fill-primary); box-shadow: var(--block-shadow); }
.coach-card-head { display: flex; justify-content: space-between; align-items: center; gap: .5rem; }
.coach-card-title { font-weight: 650; font-size: 1rem; }
.coach-tags { display: flex; gap: .35rem; align-items: center; flex-shrink: 0; }
summary.coach-card-head { cursor: pointer; list-style: none; }
summary.coach-card-head::-webkit-details-marker { display: none; }
details.coach-card:not([open]) { padding-top: .55rem; padding-bottom: .55rem; }
details.coach-card > summary .coach-card-title::before { content: "▸ "; color: var(--body-text-color-subdued); }
details.coach-card[open] > summary .coach-card-title::before { content: "▾ "; }
.coach-reward-tag { font-size: .78rem; font-weight: 600; color: #166534; }
.coach-status { font-size: .72rem; text-transform: uppercase; letter-spacing: .04em; font-weight: 600;
  padding: .12rem .5rem; border-radius: 999px; }
.coach-status-proposed { background: #fef3c7; color: #92400e; }
.coach-status-running { background: #dbeafe; color: #1e40af; }
.coach-status-reviewed { background: #dcfce7; color: #166534; }
.coach-card-meta { color: var(--body-text-color-subdued); font-size: .8rem; margin-top: .15rem; }
.coach-card dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .7rem;
  margin: .55rem 0 0; font-size: .86rem; }
.coach-card dt { color: var(--body-text-color-subdued); }
.coach-card dd { margin: 0; }
.coach-card-passages { margin-top: .5rem; display: flex; flex-wrap: wrap; gap: .3rem; }
.coach-card-missing { margin-top: .45rem; font-size: .8rem; color: #b45309; }
.coach-review { margin-top: .6rem; padding-top: .5rem; border-top: 1px dashed var(--border-color-primary);
  font-size: .86rem; }
.coach-review p { margin: .2rem 0; }
.coach-review-date { color: var(--body-text-color-subdued); font-size: .8rem; }
#coach-session-info { font-size: .85rem; color: var(--body-text-color-subdued); }
"""


def theme():
    import gradio as gr

    return gr.themes.Soft(
        primary_hue="teal",
        secondary_hue="amber",
        neutral_hue="slate",
        radius_size="md",
        font=FONTS,
        font_mono=MONO_FONTS,
    ).set(
        # Soft's page colour; Theme.set() would otherwise reset it to white (it reads a misspelt attribute).
        background_fill_primary="*neutral_50",
        # Quiet field labels: plain text rather than Soft's coloured pills.
        block_title_background_fill="transparent",
        block_title_background_fill_dark="transparent",
        block_title_padding="0",
        block_title_text_color="*neutral_600",
        block_title_text_color_dark="*neutral_300",
        block_title_text_size="*text_sm",
        block_label_background_fill="transparent",
        block_label_background_fill_dark="transparent",
        block_label_text_color="*neutral_600",
        block_label_text_color_dark="*neutral_300",
        block_label_text_size="*text_sm",
    )
