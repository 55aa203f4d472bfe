"""The person's tabs on the page: today's check-ins (a button per running card, and its reminders
to download), the notebook (policy chart and table, every item editable and deletable) and the list
of past conversations (reopen, rename, forget). Built in the page's side column by `person_tabs`.

Every handler finds the person from the request (the page's `person_of`) and touches only their
notebook: a card or conversation id of someone else's is answered like a nonexistent one.
"""

# No `from __future__ import annotations`: Gradio reads handlers' type hints (gr.Request) at runtime.

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from bot.checkins import CardNotFound

from . import notebook_views as nv
from .views import download_link

log = logging.getLogger(__name__)
TOAST_SECONDS = 4
HIDDEN = {"api_visibility": "undocumented"}


@dataclass
class PersonTabs:
    outputs: list            # the components `refresh` fills
    refresh: Callable        # (guest_token, request) -> updates for `outputs`
    reopened: Any            # the event after which the page restores the reopened conversation


def person_tabs(coach, person_of, session, guest, chatbot, downloads) -> PersonTabs:
    """Add today's check-ins and the Notebook and Conversations tabs (call inside the page's side column)."""
    w = nv.words()
    running = gr.State([])

    # Today's check-ins first, outside the tabs (gr.render inside a gr.Tab confuses the tab headers).
    gr.Markdown(f"#### {w['checkins']['title']}")
    with gr.Column(elem_id="coach-checkins"):

        @gr.render(inputs=[running], triggers=[running.change])
        def running_cards(cards):
            if not cards:
                gr.Markdown(w["checkins"]["none"], elem_classes=["coach-empty"])
                return
            for card_id, line in cards:
                with gr.Group(elem_classes=["coach-checkin"]):
                    gr.HTML(line, js_on_load=None)
                    with gr.Row():
                        for value in ("yes", "no", "skip"):
                            button = gr.Button(w["checkins"][value], size="sm", key=f"tick-{card_id}-{value}",
                                               elem_classes=["coach-tick", f"coach-tick-{value}"])
                            button.click(tick(card_id, value), [guest], outputs, **HIDDEN)
                        ics = gr.Button(w["checkins"]["ics"], size="sm", key=f"ics-{card_id}", elem_classes=["coach-ics"])
                        ics.click(calendar(card_id), [guest], [ics_link], **HIDDEN)

    ics_link = gr.HTML("", visible=False, elem_id="coach-ics-file", js_on_load=None)

    with gr.Tabs(elem_id="coach-person-tabs"):
        with gr.Tab(w["tabs"]["notebook"], id="notebook") as notebook_tab:
            chart = gr.HTML(nv.chart_html([]), elem_id="coach-chart", js_on_load=None)
            policy = gr.HTML("", elem_id="coach-policy", js_on_load=None)
            with gr.Accordion(w["items"]["title"], open=False, elem_id="coach-nb-items"):
                listing = gr.HTML("", elem_id="coach-nb-list", js_on_load=None)
                item = gr.Dropdown(label=w["items"]["picker"], choices=[], elem_id="coach-nb-item")
                new_name = gr.Textbox(label=w["items"]["new_name"], lines=1, elem_id="coach-nb-name")
                with gr.Row():
                    rename_item = gr.Button(w["items"]["rename"], size="sm", elem_id="coach-nb-rename")
                    delete_item = gr.Button(w["items"]["delete"], size="sm", variant="stop", elem_id="coach-nb-delete")

        with gr.Tab(w["tabs"]["conversations"], id="conversations") as conversations_tab:
            picked = gr.Dropdown(label=w["conversations"]["picker"], choices=[], elem_id="coach-conversations")
            reopen = gr.Button(w["conversations"]["reopen"], size="sm", variant="primary", elem_id="coach-reopen")
            with gr.Row():
                title = gr.Textbox(label=w["conversations"]["new_title"], lines=1, elem_id="coach-conv-title", scale=3)
                rename = gr.Button(w["conversations"]["rename"], size="sm", elem_id="coach-conv-rename", scale=1)
            confirm = gr.Checkbox(label=w["conversations"]["confirm"], value=False, elem_id="coach-conv-confirm")
            forget = gr.Button(w["conversations"]["forget"], size="sm", variant="stop", elem_id="coach-conv-forget")

    outputs = [chart, policy, running, listing, item, picked]

    def refresh_person_tabs(token, request: gr.Request):
        person = person_of(request, token)
        if person is None:
            return {chart: nv.chart_html([]), policy: "", running: [], listing: "", item: gr.Dropdown(choices=[], value=None),
                    picked: gr.Dropdown(choices=[], value=None)}
        notebook = coach.notebook(person)
        from bot.policy import points, propose, strength_stats

        today = coach.today()
        stats = strength_stats(notebook)
        return {
            chart: nv.chart_html(points(notebook), [s.name for s in stats]),
            policy: nv.policy_html(stats, propose(notebook, stats=stats)),
            running: [(c.id, nv.running_line(c, today)) for c in notebook.running()],
            listing: nv.notebook_html(notebook),
            item: gr.Dropdown(choices=nv.item_choices(notebook), value=None),
            picked: gr.Dropdown(choices=nv.conversation_choices(coach.conversations(person)), value=None),
        }

    def tick(card_id: str, value: str):
        def tick_card(token, request: gr.Request):
            person = person_of(request, token)
            if person is None:
                return gr.skip()
            try:
                entry = coach.check(card_id, value, person=person)
            except (CardNotFound, KeyError, ValueError) as exc:
                gr.Warning(str(exc)[:200], duration=TOAST_SECONDS)
                return gr.skip()
            gr.Info(w["checkins"]["ticked"].format(title=entry.card.title, value=w["checkins"][value]), duration=TOAST_SECONDS)
            return refresh_person_tabs(token, request)

        return tick_card

    def calendar(card_id: str):
        def card_calendar_file(token, request: gr.Request):
            person = person_of(request, token)
            try:
                entry = coach.card(card_id, person) if person else None
                data = coach.remind(card_id, person) if entry else None
            except CardNotFound:
                data = None
            if not data:
                return gr.HTML("", visible=False)
            name = re.sub(r"[^\w-]+", "-", entry.card.title or entry.id).strip("-")[:40] or entry.id
            link = downloads.put(person.key, f"{name}.ics", data)
            return gr.HTML(download_link(link, w["checkins"]["ics_file"]), visible=True)

        return card_calendar_file

    def change_item(action: str):
        def change_notebook_item(choice, name, token, request: gr.Request):
            person = person_of(request, token)
            if person is None or not isinstance(choice, str) or ":" not in choice:
                gr.Warning(w["items"]["nothing"], duration=TOAST_SECONDS)
                return gr.skip()
            kind, _, item_id = choice.partition(":")
            try:
                if action == "delete":
                    done = coach.delete_strength(item_id, person) if kind == "s" else coach.delete_card(item_id, person)
                elif not (name or "").strip():
                    gr.Warning(w["items"]["nothing"], duration=TOAST_SECONDS)
                    return gr.skip()
                elif kind == "s":
                    done = bool(coach.edit_strength(item_id, person, name=name))
                else:
                    done = bool(coach.edit_card(item_id, person, title=name.strip()))
            except (KeyError, ValueError) as exc:
                gr.Warning(str(exc).strip("'\"")[:200], duration=TOAST_SECONDS)
                return gr.skip()
            if done:
                gr.Info(w["items"]["deleted" if action == "delete" else "renamed"], duration=TOAST_SECONDS)
            return {**refresh_person_tabs(token, request), new_name: ""}

        return change_notebook_item

    def reopen_conversation(conversation, token, request: gr.Request):
        person = person_of(request, token)
        if person is None or not isinstance(conversation, str) or not coach.owns(conversation, person):
            return gr.skip()
        return conversation

    def rename_conversation(conversation, new_title, token, request: gr.Request):
        person = person_of(request, token)
        try:
            if person is None or not isinstance(conversation, str):
                raise KeyError("")
            coach.rename_session(conversation, new_title or "", person)
        except (KeyError, ValueError):
            gr.Warning(w["conversations"]["none"], duration=TOAST_SECONDS)
            return gr.skip()
        gr.Info(w["conversations"]["renamed"], duration=TOAST_SECONDS)
        return {**refresh_person_tabs(token, request), title: ""}

    def forget_conversation(conversation, sure, current, token, request: gr.Request):
        person = person_of(request, token)
        if person is None or not isinstance(conversation, str) or not conversation:
            return gr.skip()
        if not sure:
            gr.Warning(w["conversations"]["confirm_first"], duration=TOAST_SECONDS)
            return gr.skip()
        try:
            gone = coach.forget(conversation, person)
        except ValueError:
            gone = False
        if gone:
            gr.Info(w["conversations"]["forgotten"], duration=TOAST_SECONDS)
        updates = {**refresh_person_tabs(token, request), confirm: False}
        if gone and conversation == current:
            updates.update({session: None, chatbot: []})
        return updates

    notebook_tab.select(refresh_person_tabs, [guest], outputs, **HIDDEN)
    conversations_tab.select(refresh_person_tabs, [guest], outputs, **HIDDEN)
    rename_item.click(change_item("rename"), [item, new_name, guest], [*outputs, new_name], **HIDDEN)
    delete_item.click(change_item("delete"), [item, new_name, guest], [*outputs, new_name], **HIDDEN)
    reopened = reopen.click(reopen_conversation, [picked, guest], [session], **HIDDEN)
    rename.click(rename_conversation, [picked, title, guest], [*outputs, title], **HIDDEN)
    forget.click(forget_conversation, [picked, confirm, session, guest], [*outputs, confirm, session, chatbot], **HIDDEN)
    return PersonTabs(outputs=outputs, refresh=refresh_person_tabs, reopened=reopened)
