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
footer { opacity: .85; }

/* The top bar: title, model badge and "new conversation" on one line, wrapping on narrow screens. */
#coach-top { align-items: center; flex-wrap: wrap; gap: .5rem; }
#coach-top > * { min-width: 0; }
#coach-new { flex: 0 0 auto; align-self: center; width: auto; }
.coach-header { display: flex; align-items: center; gap: .4rem 1rem; flex-wrap: wrap; padding: .25rem 0; min-width: 0; }
.coach-header h1 { margin: 0; font-size: 1.55rem; font-weight: 700; letter-spacing: -.01em; }
#coach-tagline { margin-top: -.4rem; }
#coach-tagline p { margin: 0; color: var(--body-text-color-subdued); font-size: .92rem; }
.coach-mode { display: inline-block; padding: .3rem .75rem; border-radius: 999px; font-size: .82rem;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  white-space: nowrap; max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
.coach-mode-model { color: #0f766e; }
.dark .coach-mode-model { color: #5eead4; }
.coach-mode-guided { color: #92400e; }
.dark .coach-mode-guided { color: #fcd34d; }
#coach-notice { border-left: 3px solid #f59e0b; }
#coach-notice p { margin: 0; font-size: .9rem; }

/* The chat: no clear-only trash icon ("new conversation" replaces it), examples that look clickable. */
#coach-chat .top-panel { display: none !important; }
#coach-chat .examples button, #coach-chat button.example { border: 1px solid var(--border-color-accent, #94a3b8) !important; }
#coach-chat .example { border: 1px solid #94a3b8; }
.coach-thinking { color: var(--body-text-color-subdued); font-style: italic; animation: coach-pulse 1.4s ease-in-out infinite; }
@keyframes coach-pulse { 50% { opacity: .45; } }
@media (prefers-reduced-motion: reduce) { .coach-thinking { animation: none; } }
a.coach-cite { font-size: .78em; font-weight: 600; text-decoration: none; vertical-align: super; line-height: 0;
  padding: 0 .1em; color: #115e59 !important; }
.dark a.coach-cite { color: #5eead4 !important; }
a.coach-cite:hover { text-decoration: underline; }
.coach-passage-target { outline: 2px solid var(--color-accent); outline-offset: 2px; }
#coach-feedback { padding: .4rem; }
#coach-input-reason p { margin: .2rem .3rem 0; font-size: .88rem; color: #9a3412; }
.dark #coach-input-reason p { color: #fdba74; }

/* Theme.set() has no dark accent: a light one on dark backgrounds. */
.dark { --color-accent: #2dd4bf !important; }
.coach-sources summary { color: var(--body-text-color) !important; }

/* Visible focus for every control, in light and dark mode. */
:is(button, a, input, textarea, select, summary, [role="tab"], [tabindex]):focus-visible {
  outline: 3px solid #2563eb !important; outline-offset: 2px !important; }
.dark :is(button, a, input, textarea, select, summary, [role="tab"], [tabindex]):focus-visible { outline-color: #93c5fd !important; }

/* Phones: nothing wider than the screen; the chat and its input fill the first screen. */
@media (max-width: 640px) {
  .gradio-container { padding-left: .5rem !important; padding-right: .5rem !important; }
  .coach-header h1 { font-size: 1.15rem; }
  .coach-mode { font-size: .72rem; padding: .15rem .5rem; }
  #coach-tagline { display: none; }
  #coach-main { flex-direction: column; gap: .5rem; }
  #coach-main > * { width: 100% !important; min-width: 0 !important; flex: 1 1 auto !important; }
  #coach-chat { height: calc(100dvh - 12.5rem) !important; min-height: 280px !important; }
  /* The folded offline banner takes a line: the chat gives it up. */
  /* (Gradio prefixes every rule with its container, so the banner is found as a sibling.) */
  #coach-notice ~ #coach-main #coach-chat, div:has(> #coach-notice) #coach-chat { height: calc(100dvh - 17.5rem) !important; }
  #coach-chat .message-wrap { font-size: .95rem; }
  .coach-sources summary code.pid { display: none; }
  /* Gradio's toasts are 380 px wide plus a margin: wider than a 390 px phone. */
  .toast-wrap { left: .5rem !important; right: .5rem !important; width: auto !important; max-width: calc(100vw - 1rem) !important; }
}

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
/* Inside a passage's tinted quote the subdued colour falls short of 4.5:1 (axe): body colour. */
.coach-rendering-label { color: var(--body-text-color); font-size: .75rem; font-style: italic; }
.coach-original summary { cursor: pointer; color: var(--body-text-color); font-size: .78rem; }

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
.coach-card-missing { margin-top: .45rem; font-size: .8rem; color: #92400e; }
.dark .coach-card-missing { color: #fcd34d; }
.coach-review { margin-top: .6rem; padding-top: .5rem; border-top: 1px dashed var(--border-color-primary);
  font-size: .86rem; }
.coach-review p { margin: .2rem 0; }
.coach-review-date { color: var(--body-text-color-subdued); font-size: .8rem; }
#coach-session-info { font-size: .85rem; color: var(--body-text-color-subdued); }
.coach-card-title { overflow-wrap: anywhere; }
ul.coach-chips { list-style: none; padding: 0; margin: 0; }
"""


# Runs once when the page loads: a citation marker opens its reply's Sources block at that passage.
JS = """
() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.coach-cite');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const bubble = link.closest('[data-testid="bot"]') || link.closest('.message-row') || document;
    const block = bubble.querySelector('details.coach-sources');
    if (!block) return;
    block.open = true;
    const pid = link.getAttribute('title');
    const quote = Array.from(block.querySelectorAll('.coach-passage'))
      .find((q) => (q.querySelector('code.pid') || {}).textContent === pid) || block;
    quote.setAttribute('tabindex', '-1');
    quote.classList.add('coach-passage-target');
    quote.scrollIntoView({block: 'nearest'});
    quote.focus({preventScroll: true});
    setTimeout(() => quote.classList.remove('coach-passage-target'), 2000);
  }, true);
}
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
        # WCAG AA contrast (checked by axe in tests/ui): darker quiet text and accents in light mode.
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_400",
        color_accent="*primary_700",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_hover_dark="*primary_600",
        button_primary_text_color="white",
        button_primary_text_color_dark="white",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
    )
