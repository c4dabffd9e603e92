"""A ticket printed by the real driver reads right at the printer: number, names, QR, cut."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from drivers import TicketPrinter

SIMPLIFIED = ("前面还有", "预计等候", "取号时间")
TRADITIONAL = ("前面還有", "預計等候", "取號時間")


@pytest.mark.parametrize("qr_mode", ["native", "image"])
@pytest.mark.parametrize("paper_mm", [80, 58])
@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_printed_ticket_reads_right_at_the_printer(
    make_printer_sim, make_printer, ticket, encoding, paper_mm, qr_mode
):
    if qr_mode == "image":
        import zxingcpp  # noqa: F401 - the simulator reads image QR codes with it
    sim = make_printer_sim(encoding=encoding, paper_mm=paper_mm)
    printer = make_printer(sim, qr_mode=qr_mode, tz="Asia/Taipei")

    status = printer.print_ticket(ticket)

    [printed] = sim.wait_for_tickets(1)
    assert status.state == "online"
    assert printed.cut
    assert printed.errors == []
    assert printed.overflow_lines == []
    assert printed.big_lines == ["A001"]
    lines = printed.text_lines
    assert "台北信義分行" in lines
    assert "個人存款" in lines
    assert "Personal Deposits" in lines
    labels = SIMPLIFIED if encoding == "gb18030" else TRADITIONAL
    assert any(line.startswith(labels[0]) and line.endswith("12 人") for line in lines)
    assert any(line.startswith(labels[1]) and line.endswith("15 min") for line in lines)
    assert any(line.startswith(labels[2]) and line.endswith("2024-05-01 09:30") for line in lines)
    assert printed.qr_payloads == [ticket.tracking_url]
    assert printed.qr_sources == [qr_mode]


def test_number_is_printed_at_least_double_width_and_height(printer_sim, printer, ticket):
    printer.print_ticket(ticket)
    [printed] = printer_sim.wait_for_tickets(1)
    [big] = [line for line in printed.lines if line.text == "A001"]
    assert big.width >= 2 and big.height >= 2
    assert big.align == "center"


def test_time_is_printed_as_given_when_no_zone_is_set(printer_sim, printer, ticket):
    printer.print_ticket(ticket)
    [printed] = printer_sim.wait_for_tickets(1)
    assert any(line.endswith("2024-05-01 01:30") for line in printed.text_lines)


def test_naive_issue_time_is_refused_before_anything_is_sent(printer_sim, printer, ticket):
    naive = dataclasses.replace(ticket, issued_at=ticket.issued_at.replace(tzinfo=None))
    with pytest.raises(ValueError):
        printer.print_ticket(naive)
    assert printer_sim.tickets == []


def test_long_names_wrap_inside_58mm_paper(make_printer_sim, make_printer, ticket):
    sim = make_printer_sim(paper_mm=58)
    printer = make_printer(sim)
    long = dataclasses.replace(
        ticket,
        branch_name="台北市信義區松仁路一百號國際金融大樓分行營業部",
        service_name_en="Foreign Currency Exchange and International Remittance Services",
        footer="Please keep this ticket until your number is called at the counter.",
    )
    printer.print_ticket(long)
    [printed] = sim.wait_for_tickets(1)
    assert printed.overflow_lines == []
    assert "".join(printed.text_lines).count("Remittance") == 1
    assert any("keep this ticket" in line for line in printed.text_lines)


def test_characters_a_big5_font_lacks_print_as_question_marks(make_printer_sim, make_printer,
                                                               ticket):
    sim = make_printer_sim(encoding="big5")
    printer = make_printer(sim)
    printer.print_ticket(dataclasses.replace(ticket, service_name_zh="个人存款"))  # simplified 个
    [printed] = sim.wait_for_tickets(1)
    assert "?人存款" in printed.text_lines
    assert printed.errors == []


def test_without_estimate_the_wait_shows_dashes(printer_sim, printer, ticket):
    printer.print_ticket(dataclasses.replace(ticket, estimated_wait_s=None))
    [printed] = printer_sim.wait_for_tickets(1)
    assert any(line.startswith("预计等候") and line.endswith("--") for line in printed.text_lines)


def test_serial_printer_on_a_pty_prints_the_same_ticket(make_printer_sim, make_printer, ticket):
    sim = make_printer_sim(transport="pty", encoding="big5", paper_mm=58)
    assert sim.url.startswith("serial:///dev/")
    printer = make_printer(sim)
    printer.print_ticket(ticket)
    [printed] = sim.wait_for_tickets(1)
    assert printed.big_lines == ["A001"]
    assert "個人存款" in printed.text_lines
    assert printed.qr_payloads == [ticket.tracking_url]


def test_test_page_prints_settings_chinese_and_qr(printer_sim, printer):
    status = printer.print_test_page()
    [page] = printer_sim.wait_for_tickets(1)
    assert status.state == "online"
    assert page.cut and page.errors == []
    assert "CounterFlow printer test" in page.text_lines
    assert "中文测试 简体" in page.text_lines
    assert any(line.startswith("status: online") for line in page.text_lines)
    assert page.qr_payloads == ["https://counterflow.invalid/test"]


def test_test_page_works_from_a_shell_one_liner(printer_sim):
    TicketPrinter.from_url(printer_sim.url).print_test_page()
    assert len(printer_sim.wait_for_tickets(1)) == 1


def test_tickets_and_status_queries_from_many_threads_never_mix(printer_sim, printer, ticket):
    statuses = []
    errors = []

    def print_some(prefix):
        try:
            for i in range(8):
                printer.print_ticket(dataclasses.replace(ticket, number=f"{prefix}{i:03d}"))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    def ask_status():
        for _ in range(30):
            statuses.append(printer.status().state)

    threads = [threading.Thread(target=print_some, args=(p,)) for p in "AB"]
    threads.append(threading.Thread(target=ask_status))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert set(statuses) == {"online"}
    printed = printer_sim.wait_for_tickets(16)
    assert all(t.cut and not t.errors and len(t.qr_payloads) == 1 for t in printed)
    numbers = sorted(t.big_lines[0] for t in printed)
    assert numbers == sorted(f"{p}{i:03d}" for p in "AB" for i in range(8))
