"""`facilitator export`: formats, --output, one-line errors."""

import io
import json
import zipfile



def test_json_to_stdout(runner, session_data):
    result = runner.invoke(args=["export", session_data["code"].lower(), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["workshop"]["code"] == session_data["code"]


def test_markdown_and_html_to_stdout(runner, session_data):
    md = runner.invoke(args=["export", session_data["code"], "--format", "md"])
    assert md.exit_code == 0 and md.stdout.startswith("# Test workshop")
    html = runner.invoke(args=["export", session_data["code"], "--format", "html"])
    assert html.exit_code == 0 and html.stdout.startswith("<!doctype html>")


def test_csv_needs_output(runner, session_data, tmp_path):
    result = runner.invoke(args=["export", session_data["code"], "--format", "csv"])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "--output" in result.stderr
    target = tmp_path / "summary.zip"
    result = runner.invoke(args=["export", session_data["code"], "--format", "csv", "--output", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        assert "positions.csv" in archive.namelist()


def test_output_file(runner, session_data, tmp_path):
    target = tmp_path / "report.json"
    result = runner.invoke(args=["export", session_data["code"], "--format", "json", "-o", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["schema"] == "facilitator.workshop/1"


def test_unknown_code_and_format(runner, app):
    result = runner.invoke(args=["export", "NOPE22", "--format", "json"])
    assert result.exit_code == 1
    assert result.stderr == "Error: no workshop has the code NOPE22\n"
    result = runner.invoke(args=["export", "NOPE22", "--format", "pdf"])
    assert result.exit_code == 2  # a usage mistake, not a failure of the command
    assert "Invalid value for '--format'" in result.output and "'pdf' is not one of" in result.output


def test_unwritable_output(runner, session_data, tmp_path):
    result = runner.invoke(args=["export", session_data["code"], "--format", "md",
                                 "--output", str(tmp_path / "missing" / "x.md")])
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot write")
