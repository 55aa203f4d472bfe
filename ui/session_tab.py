"""The session tab's actions: download the conversation, start a new one, forget (with confirmation).

A download is the owner's only: the Markdown is made for the requesting person's own session, kept
in memory (ui/downloads.py) and fetched once through an unguessable link, which the page clicks at
once, so one click on the button downloads. Nothing is written to a temp folder.
"""

from __future__ import annotations

import logging

import gradio as gr

from bot.coach import new_session_id

from . import views
from .context import TOAST_SECONDS, PageContext, valid_session

log = logging.getLogger(__name__)
HIDDEN = {"api_visibility": "undocumented"}
# After the export's link arrives: the browser fetches it once, and the spent link is hidden.
CLICK_DOWNLOAD = """() => {
  const link = document.querySelector('#coach-export-file a.coach-download');
  if (!link) return;
  link.click();
  link.hidden = true;
  const note = document.querySelector('#coach-export-file .coach-download-note');
  if (note) note.hidden = true;
}"""


def wire(ctx: PageContext) -> None:
    coach, p, downloads = ctx.coach, ctx.parts, ctx.downloads
    panel_outputs = ctx.panel_outputs()
    no_file = gr.HTML("", visible=False)

    def export_markdown(session_id, token, request: gr.Request):
        person = ctx.person_of(request, token)
        session_id = ctx.owned(session_id, person)
        w = ctx.words(session_id, person, request)
        if not (session_id and coach.journal.count(session_id)):
            gr.Warning(w["toasts"]["nothing_to_export"], duration=TOAST_SECONDS)
            return no_file
        try:
            data = coach.export(session_id, "md", person).encode("utf-8")
        except Exception as exc:
            log.error("could not export session %s: %s", session_id, type(exc).__name__)
            gr.Warning(w["toasts"]["export_failed"], duration=TOAST_SECONDS)
            return no_file
        link = downloads.put(person.key, f"on-policy-coach-{session_id}.md", data)
        lang = ctx.language(session_id, person, request)
        return gr.HTML(views.download_link(link, w["session"]["file"], lang), visible=True)

    def new_session(session_id, token, request: gr.Request):
        """A new conversation; the previous one stays in the journal."""
        person = ctx.person_of(request, token)
        session_id = ctx.owned(session_id, person)
        if session_id and coach.journal.count(session_id):
            gr.Info(ctx.toasts(session_id, person, request)["new_started"], duration=TOAST_SECONDS)
        # A fresh id no session has: the browser keeps it (it would not keep None), so a reload stays
        # in the new conversation. The first turn is given its own id all the same (ui/app.py respond).
        return {
            p.session: new_session_id(), p.chatbot: [], p.textbox: "", p.feedback_row: gr.Group(visible=False),
            p.export_file: no_file, **ctx.panels(None, person, request),
        }

    def ask_forget(kind: str):
        def ask(session_id, token, request: gr.Request):
            person = ctx.person_of(request, token)
            w = ctx.words(session_id, person, request)
            if kind == "one" and not ctx.owned(session_id, person):
                gr.Warning(w["toasts"]["nothing_to_forget"], duration=TOAST_SECONDS)
                return gr.skip()
            return {p.confirm: gr.Group(visible=True), p.confirm_text: w["forget"][f"ask_{kind}"], p.what: kind}

        return ask

    def do_forget(kind, session_id, token, request: gr.Request):
        person = ctx.person_of(request, token)
        hide = {p.confirm: gr.Group(visible=False), p.what: ""}
        if person is None or kind not in ("one", "all"):
            return hide
        toasts = ctx.toasts(session_id, person, request)  # before the words are gone
        try:
            if kind == "all":
                count = coach.forget_everything(person)
            else:
                session_id = valid_session(session_id)
                count = int(bool(session_id) and coach.forget(session_id, person))
        except Exception as exc:
            log.error("could not forget for %s: %s", person.kind, type(exc).__name__)
            gr.Warning(toasts["forget_failed"], duration=TOAST_SECONDS)
            return hide
        downloads.drop(person.key)
        gr.Info(toasts["forgotten"].format(count=count), duration=TOAST_SECONDS)
        return {
            **hide, p.session: None, p.chatbot: [], p.export_file: no_file, p.feedback_row: gr.Group(visible=False),
            **ctx.panels(None, person, request),
        }

    ids = [p.session, p.guest]
    p.export.click(export_markdown, ids, [p.export_file], **HIDDEN).then(None, None, None, js=CLICK_DOWNLOAD, **HIDDEN)
    for trigger in (p.new.click, p.chatbot.clear):  # the chat's own clear button, too, starts anew
        trigger(
            new_session, ids, [p.session, p.chatbot, p.textbox, p.feedback_row, p.export_file, *panel_outputs], **HIDDEN
        )
    asking = [p.confirm, p.confirm_text, p.what]
    p.forget.click(ask_forget("one"), ids, asking, queue=False, **HIDDEN)
    p.forget_all.click(ask_forget("all"), ids, asking, queue=False, **HIDDEN)
    p.confirm_no.click(lambda: {p.confirm: gr.Group(visible=False), p.what: ""}, None, [p.confirm, p.what], queue=False, **HIDDEN)
    p.confirm_yes.click(
        do_forget, [p.what, *ids],
        [p.confirm, p.what, p.session, p.chatbot, p.export_file, p.feedback_row, *panel_outputs], **HIDDEN,
    )
