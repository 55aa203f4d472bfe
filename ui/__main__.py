"""`python -m ui`: the same as `coach serve`."""

import typer

from ui.cli import serve

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
app.command()(serve)

if __name__ == "__main__":
    app()
