#!/usr/bin/env python3
"""Generate Lạng Sơn's administrative unit lists and the 2025 conversion (units/lang-son/*.toml).

Source: the Python package `vietnamadminunits` (MIT, https://pypi.org/project/vietnamadminunits/),
which holds the 63-province list (before 1/7/2025), the 34-province list (from 1/7/2025) and the
2025 conversion between them, communes divided between several new ones included.

    python3 -m venv /tmp/vau && /tmp/vau/bin/pip install vietnamadminunits==1.0.4
    /tmp/vau/bin/python scripts/gen-units.py            # writes units/lang-son/*.toml
    /tmp/vau/bin/python scripts/gen-units.py --check    # compares with the committed files, writes nothing
    /tmp/vau/bin/python scripts/gen-units.py --date 2026-12-01   # the generation date written in the files

The package is read, not imported: its data files (`data/dataset.db`, an SQLite database, and
`data/converter_2025.json`) are opened from the installed package folder. Another package version may be
used; the files record which one. Nothing is corrected by hand: what disagrees with an official figure is
printed here and written up in docs/units.md.

Needs Python ≥ 3.11 (tomllib, to re-read what is written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
import tomllib
from pathlib import Path

PACKAGE = "vietnamadminunits"
PROVINCE_CODE = "20"  # Lạng Sơn
PROVINCE_KEY = "tinhlangson"
OUT = Path(__file__).resolve().parent.parent / "units" / "lang-son"

BEFORE_ID = "2024-12-01"
AFTER_ID = "2025-07-01"

# Legal basis of each edition. `verified = true` only where the number and date were read on a
# page whose address is given; everything else is marked false.
BASIS_BEFORE = [
    {
        "document": "818/NQ-UBTVQH14",
        "date": "2019-11-21",
        "issuer": "Ủy ban Thường vụ Quốc hội",
        "what": "Sắp xếp các đơn vị hành chính cấp xã thuộc tỉnh Lạng Sơn (giai đoạn 2019–2021): "
        "từ đây tỉnh có 200 đơn vị cấp xã",
        "verified": True,
        "source": "https://vanphong.langson.gov.vn/index.php/en/node/58934",
        "note": "Số hiệu, ngày ký và số đơn vị của 9 huyện đã đối chiếu; ngày có hiệu lực chưa đối chiếu.",
    },
    {
        "document": "Nghị quyết của Ủy ban Thường vụ Quốc hội về việc sắp xếp đơn vị hành chính cấp xã "
        "của tỉnh Lạng Sơn giai đoạn 2023 – 2025 (số hiệu chưa tìm được)",
        "date": "2024-12-01",
        "issuer": "Ủy ban Thường vụ Quốc hội",
        "what": "Nhập xã Vĩnh Tiến vào xã Khánh Long, xã Đại Đồng vào thị trấn Thất Khê (một phần) và xã "
        "Đội Cấn, các xã Đồng Giáp và Tràng Các vào xã Khánh Khê, xã Tĩnh Bắc vào xã Tam Gia, xã Sơn "
        "Hà vào thị trấn Hữu Lũng: từ 200 còn 194 đơn vị cấp xã",
        "verified": False,
        "source": "https://m.baophapluat.vn/sat-nhap-mot-so-don-vi-hanh-chinh-cap-xa-cua-tinh-lang-son-post531151.amp",
        "note": "Ngày là ngày có hiệu lực (01/12/2024) theo báo Pháp luật; nội dung theo "
        "https://daibieunhandan.vn/nghi-quyet-ve-viec-sap-xep-don-vi-hanh-chinh-cap-xa-cua-tinh-lang-son-giai-doan-2023-2025-post395130.html "
        "và https://vov.gov.vn/sau-khi-sap-xep-tinh-lang-son-co-11-don-vi-hanh-chinh-cap-huyen-mobiledtnew-1036491. "
        "Số hiệu nghị quyết chưa đối chiếu.",
    },
]

BASIS_AFTER = [
    {
        "document": "1672/NQ-UBTVQH15",
        "date": "2025-06-16",
        "issuer": "Ủy ban Thường vụ Quốc hội",
        "what": "Sắp xếp các đơn vị hành chính cấp xã của tỉnh Lạng Sơn năm 2025: 65 đơn vị (61 xã, 4 phường), "
        "chính quyền địa phương mới hoạt động từ 01/7/2025",
        "verified": True,
        "source": "https://news.laodong.vn/thoi-su/sau-sap-xep-lang-son-co-65-don-vi-hanh-chinh-cap-xa-1524704.ldo",
        "note": "Số hiệu, ngày thông qua, số đơn vị và tên 65 đơn vị (không dấu) đã đối chiếu với bài báo; "
        "mã đơn vị chưa đối chiếu.",
    },
    {
        "document": "202/2025/QH15",
        "date": "2025-06-12",
        "issuer": "Quốc hội",
        "what": "Sắp xếp đơn vị hành chính cấp tỉnh; Lạng Sơn giữ nguyên (khoản 24 Điều 1). Từ 01/7/2025 "
        "chính quyền địa phương hai cấp, không còn cấp huyện",
        "verified": False,
        "source": "https://thuviennhadat.vn/phap-ly-nha-dat/huyen-loc-binh-lang-son-sau-sap-nhap-xa-ten-7-xa-moi-la-gi-cac-xa-huyen-loc-binh-thay-doi-ra-sao-sau-695404.html",
        "note": "Theo một trang tư vấn pháp lý, không phải văn bản gốc.",
    },
]

# New units whose list of former units was read in the resolution's text (quoted on the page named).
# They are marked verified only if the package agrees exactly, by district and full name.
CHECKED_CONVERSIONS = {
    "06529": {
        "name": "Xã Lộc Bình",
        "olds": {
            ("188", "Thị trấn Lộc Bình"),
            ("188", "Xã Khánh Xuân"),
            ("188", "Xã Đồng Bục"),
            ("188", "Xã Hữu Khánh"),
        },
        "source": "khoản 33 Điều 1 Nghị quyết 1672/NQ-UBTVQH15, trích tại "
        "https://thuviennhadat.vn/phap-ly-nha-dat/huyen-loc-binh-lang-son-sau-sap-nhap-xa-ten-7-xa-moi-la-gi-cac-xa-huyen-loc-binh-thay-doi-ra-sao-sau-695404.html?trang=2",
    },
    "06541": {
        "name": "Xã Mẫu Sơn",
        "olds": {("188", "Xã Mẫu Sơn"), ("188", "Xã Yên Khoái"), ("188", "Xã Tú Mịch")},
        "source": "khoản 34 Điều 1 Nghị quyết 1672/NQ-UBTVQH15, trích tại "
        "https://thuviennhadat.vn/phap-ly-nha-dat/huyen-loc-binh-lang-son-sau-sap-nhap-xa-ten-7-xa-moi-la-gi-cac-xa-huyen-loc-binh-thay-doi-ra-sao-sau-695404.html?trang=2",
    },
}

# Official counts found by search, compared (not asserted) with the package's lists.
OFFICIAL_BEFORE = {
    # district code: (total, xã, thị trấn, phường, source)
    "180": (20, 19, 1, 0, "NQ 2024 (báo Pháp luật, VOV)"),
    "181": (19, 18, 1, 0, "818/NQ-UBTVQH14"),
    "182": (17, 16, 1, 0, "818/NQ-UBTVQH14"),
    "183": (22, 20, 2, 0, "818/NQ-UBTVQH14"),
    "184": (15, 14, 1, 0, "NQ 2024 (báo Pháp luật, VOV)"),
    "185": (18, 17, 1, 0, "818/NQ-UBTVQH14"),
    "187": (20, 18, 2, 0, "818/NQ-UBTVQH14"),
    "188": (20, 18, 2, 0, "NQ 2024 (báo Pháp luật)"),
}
OFFICIAL_AFTER = (65, 61, 4, "1672/NQ-UBTVQH15 (báo Lao động)")

UNIT_TYPES = {"Xã": "xã", "Phường": "phường", "Thị trấn": "thị trấn"}
DISTRICT_TYPES = {"Huyện": "huyện", "Thành phố": "thành phố", "Thị xã": "thị xã", "Quận": "quận"}


def q(s: str) -> str:
    """A TOML basic string."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def fail(msg: str) -> None:
    print(f"gen-units: {msg}", file=sys.stderr)
    sys.exit(1)


def package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        fail(f"the package {PACKAGE} is not installed: pip install {PACKAGE}==1.0.4")
    return Path(list(spec.submodule_search_locations)[0])


def split_name(full: str, types: dict[str, str]) -> tuple[str, str]:
    """'Thị trấn Nông trường Thái Bình' -> ('thị trấn', 'Nông trường Thái Bình')."""
    for prefix in sorted(types, key=len, reverse=True):
        if full.startswith(prefix + " "):
            return types[prefix], full[len(prefix) + 1 :]
    fail(f"no known type at the start of «{full}»")
    raise AssertionError


def load(pkg: Path):
    db = sqlite3.connect(pkg / "data" / "dataset.db")
    before = db.execute(
        "SELECT districtCode, district, districtType, wardCode, ward, wardType, "
        "provinceKey || '_' || districtKey || '_' || wardKey "
        "FROM admin_units_legacy WHERE provinceCode = ? ORDER BY districtCode, wardCode",
        (PROVINCE_CODE,),
    ).fetchall()
    after = db.execute(
        "SELECT wardCode, ward, wardType, wardKey FROM admin_units WHERE provinceCode = ? ORDER BY wardCode",
        (PROVINCE_CODE,),
    ).fetchall()
    conv = json.loads((pkg / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    return before, after, conv


def build(before_rows, after_rows, conv):
    problems: list[str] = []
    districts: dict[str, dict] = {}
    old_by_key: dict[str, dict] = {}
    old_by_code: dict[str, dict] = {}
    for dcode, dname, dtype, code, name, wtype, key in before_rows:
        t, short = split_name(dname, DISTRICT_TYPES)
        if DISTRICT_TYPES.get(dtype) != t:
            problems.append(f"district {dcode}: type «{dtype}» but name «{dname}»")
        d = districts.setdefault(dcode, {"code": dcode, "type": t, "name": short, "units": []})
        ut, ushort = split_name(name, UNIT_TYPES)
        if UNIT_TYPES.get(wtype) != ut:
            problems.append(f"unit {code}: type «{wtype}» but name «{name}»")
        if code in old_by_code:
            problems.append(f"unit code {code} twice before the merger")
        u = {"code": code, "type": ut, "name": ushort, "full": name, "district": dcode, "key": key}
        d["units"].append(u)
        old_by_key[key] = u
        old_by_code[code] = u

    new_by_key: dict[str, dict] = {}
    new_units = []
    for code, name, wtype, key in after_rows:
        ut, ushort = split_name(name, UNIT_TYPES)
        if UNIT_TYPES.get(wtype) != ut:
            problems.append(f"new unit {code}: type «{wtype}» but name «{name}»")
        u = {"code": code, "type": ut, "name": ushort, "full": name, "key": key, "from": []}
        new_units.append(u)
        new_by_key[key] = u

    whole = conv["DICT_PROVINCE_WARD_NO_DIVIDED"].get(PROVINCE_KEY, {})
    divided = conv["DICT_PROVINCE_WARD_DIVIDED"].get(PROVINCE_KEY, {})
    seen_old: dict[str, int] = {}
    for new_key, old_keys in whole.items():
        if new_key not in new_by_key:
            problems.append(f"conversion: new unit key {new_key} not in the 2025 list")
            continue
        for ok in old_keys:
            if ok not in old_by_key:
                problems.append(f"conversion: old unit key {ok} not in the list before the merger")
                continue
            new_by_key[new_key]["from"].append({"old": old_by_key[ok], "part": False, "default": None})
            seen_old[ok] = seen_old.get(ok, 0) + 1
    for ok, targets in divided.items():
        if ok not in old_by_key:
            problems.append(f"conversion: divided old unit key {ok} not in the list before the merger")
            continue
        if len(targets) < 2:
            problems.append(f"conversion: divided old unit {ok} goes to {len(targets)} new unit(s)")
        defaults = sum(1 for t in targets if t["isDefaultNewWard"])
        if defaults != 1:
            problems.append(f"conversion: divided old unit {ok} has {defaults} default new units")
        for t in targets:
            nk = t["newWardKey"]
            if nk not in new_by_key:
                problems.append(f"conversion: new unit key {nk} not in the 2025 list")
                continue
            new_by_key[nk]["from"].append(
                {"old": old_by_key[ok], "part": True, "default": bool(t["isDefaultNewWard"])}
            )
        seen_old[ok] = seen_old.get(ok, 0) + 1
    for key, u in old_by_key.items():
        n = seen_old.get(key, 0)
        if n != 1:
            problems.append(f"conversion: old unit {u['code']} {u['full']} appears {n} times")
    for u in new_units:
        if not u["from"]:
            problems.append(f"conversion: new unit {u['code']} {u['full']} has no former unit")
        u["from"].sort(key=lambda f: (f["part"], f["old"]["code"]))
    return list(districts.values()), new_units, problems


def header(lines: list[str], title: list[str]) -> None:
    for t in title:
        lines.append(f"# {t}" if t else "#")
    lines.append("")
    lines.append("schema = 1")
    lines.append("")


def basis_block(lines: list[str], basis: list[dict]) -> None:
    for b in basis:
        lines.append("[[basis]]")
        lines.append(f"document = {q(b['document'])}")
        lines.append(f"date = {b['date']}")
        lines.append(f"issuer = {q(b['issuer'])}")
        lines.append(f"what = {q(b['what'])}")
        lines.append(f"verified = {'true' if b['verified'] else 'false'}")
        lines.append(f"source = {q(b['source'])}")
        if b.get("note"):
            lines.append(f"note = {q(b['note'])}")
        lines.append("")


def generated_block(lines: list[str], version: str, date: str, table: str) -> None:
    lines.append("[generated]")
    lines.append(f"script = {q('scripts/gen-units.py')}")
    lines.append(f"package = {q(PACKAGE)}")
    lines.append(f"package_version = {q(version)}")
    lines.append(f"package_license = {q('MIT')}")
    lines.append(f"package_data = {q(table)}")
    lines.append(f"date = {date}")
    lines.append("")


def unit_line(u: dict, extra: str = "") -> str:
    return f"  {{ code = {q(u['code'])}, type = {q(u['type'])}, name = {q(u['name'])}{extra} }},"


COMMON_NOTE = [
    "Tệp này do scripts/gen-units.py sinh ra từ gói vietnamadminunits; đừng sửa tay: chạy lại script.",
    "Generated by scripts/gen-units.py from the vietnamadminunits package; do not edit by hand.",
    "Xem docs/units.md: nguồn, ngày của danh sách, các điểm chưa đối chiếu.",
]


def render_before(districts, version: str, date: str) -> str:
    lines: list[str] = []
    header(
        lines,
        [
            "Đơn vị hành chính tỉnh Lạng Sơn trước ngày 01/7/2025: 11 huyện, thành phố và 194 xã, phường, thị trấn",
            "(danh sách có hiệu lực từ 01/12/2024, sau nghị quyết sắp xếp giai đoạn 2023–2025).",
            "Lang Son's administrative units before 1 July 2025 (the list in force from 1 December 2024).",
            "",
            *COMMON_NOTE,
        ],
    )
    n = sum(len(d["units"]) for d in districts)
    lines += [
        "[edition]",
        f"id = {q(BEFORE_ID)}",
        f"name = {q('Trước sắp xếp năm 2025 (cấp huyện và cấp xã)')}",
        f"name_en = {q('Before the 2025 reorganisation (districts and communes)')}",
        "valid_from = 2024-12-01",
        "valid_to = 2025-06-30",
        "verified = false",
        "note = "
        + q(
            f"Danh sách {n} đơn vị của gói vietnamadminunits (nguồn danhmuchanhchinh.gso.gov.vn). Đó là danh "
            "sách từ 01/12/2024: sáu xã nhập vào xã, thị trấn khác ngày đó (Vĩnh Tiến, Đại Đồng, Đồng Giáp, "
            "Tràng Các, Tĩnh Bắc, Sơn Hà) không có ở đây. Số đơn vị của từng huyện khớp với các nghị quyết "
            "đã tìm được; từng mã và tên chưa đối chiếu với danh mục chính thức."
        ),
        "",
        "[province]",
        f"code = {q(PROVINCE_CODE)}",
        'type = "tỉnh"',
        'name = "Lạng Sơn"',
        "",
    ]
    basis_block(lines, BASIS_BEFORE)
    generated_block(lines, version, date, "data/dataset.db, bảng admin_units_legacy")
    for d in districts:
        lines.append("[[district]]")
        lines.append(f"code = {q(d['code'])}")
        lines.append(f"type = {q(d['type'])}")
        lines.append(f"name = {q(d['name'])}")
        lines.append("units = [")
        for u in d["units"]:
            lines.append(unit_line(u))
        lines.append("]")
        lines.append("")
    return "\n".join(lines)


def render_after(new_units, version: str, date: str) -> str:
    lines: list[str] = []
    header(
        lines,
        [
            "Đơn vị hành chính tỉnh Lạng Sơn từ ngày 01/7/2025: 65 xã, phường (61 xã, 4 phường), không còn cấp huyện.",
            "Lang Son's administrative units from 1 July 2025: 65 communes and wards, no district level.",
            "",
            *COMMON_NOTE,
        ],
    )
    lines += [
        "[edition]",
        f"id = {q(AFTER_ID)}",
        f"name = {q('Từ 01/7/2025 (chính quyền địa phương hai cấp)')}",
        f"name_en = {q('From 1 July 2025 (two-level local government)')}",
        "valid_from = 2025-07-01",
        "verified = false",
        "note = "
        + q(
            "Danh sách 65 đơn vị của gói vietnamadminunits. Số đơn vị và tên (không dấu) khớp với Nghị quyết "
            "1672/NQ-UBTVQH15 theo báo Lao động; mã đơn vị chưa đối chiếu với văn bản ban hành mã."
        ),
        "",
        "[province]",
        f"code = {q(PROVINCE_CODE)}",
        'type = "tỉnh"',
        'name = "Lạng Sơn"',
        "units = [",
    ]
    for u in new_units:
        lines.append(unit_line(u))
    lines.append("]")
    lines.append("")
    basis_block(lines, BASIS_AFTER)
    generated_block(lines, version, date, "data/dataset.db, bảng admin_units")
    return "\n".join(lines)


def render_conversion(new_units, version: str, date: str, checks: dict[str, str]) -> str:
    lines: list[str] = []
    header(
        lines,
        [
            "Chuyển đổi đơn vị hành chính cấp xã tỉnh Lạng Sơn ngày 01/7/2025: mỗi đơn vị mới và các đơn vị cũ hợp thành.",
            "part = true: chỉ một phần đơn vị cũ vào đơn vị mới này (đơn vị cũ bị chia cho nhiều đơn vị mới).",
            "package_default: đơn vị mới mà gói vietnamadminunits chọn mặc định cho đơn vị cũ bị chia (ước đoán",
            "theo vị trí địa lý của gói, không phải quy định).",
            "Conversion of 1 July 2025: each new unit and the former units it was formed from; part = true when only",
            "part of the former unit went into it.",
            "",
            *COMMON_NOTE,
        ],
    )
    lines += [
        "[conversion]",
        f"id = {q(AFTER_ID)}",
        f"from = {q(BEFORE_ID)}",
        f"to = {q(AFTER_ID)}",
        "verified = false",
        "note = "
        + q(
            "Bảng của gói vietnamadminunits (converter_2025.json). Chỉ các đơn vị mới có verified = true đã đối "
            "chiếu với văn bản nghị quyết; ba đơn vị cũ bị chia (Hồng Phong – Bình Gia, Bính Xá, Kiên Mộc) chưa "
            "đối chiếu, và phần của xã Hồng Phong (Bình Gia) vào xã Đồng Đăng đáng ngờ: xem docs/units.md."
        ),
        "",
    ]
    basis_block(lines, BASIS_AFTER[:1])
    generated_block(lines, version, date, "data/converter_2025.json, tinhlangson")
    for u in new_units:
        lines.append("[[unit]]")
        lines.append(f"code = {q(u['code'])}")
        lines.append(f"type = {q(u['type'])}")
        lines.append(f"name = {q(u['name'])}")
        if u["code"] in checks:
            lines.append("verified = true")
            lines.append(f"source = {q(checks[u['code']])}")
        else:
            lines.append("verified = false")
        lines.append("from = [")
        for f in u["from"]:
            o = f["old"]
            extra = f", district = {q(o['district'])}"
            if f["part"]:
                extra += f", part = true, package_default = {'true' if f['default'] else 'false'}"
            lines.append(unit_line(o, extra))
        lines.append("]")
        lines.append("")
    return "\n".join(lines)


def check_official(districts, new_units, conversion_checks) -> tuple[list[str], dict[str, str]]:
    notes: list[str] = []
    for d in districts:
        c = {t: sum(1 for u in d["units"] if u["type"] == t) for t in UNIT_TYPES.values()}
        got = (len(d["units"]), c["xã"], c["thị trấn"], c["phường"])
        line = f"  {d['code']} {d['type']} {d['name']}: {got[0]} ({got[1]} xã, {got[2]} thị trấn, {got[3]} phường)"
        if d["code"] in OFFICIAL_BEFORE:
            want = OFFICIAL_BEFORE[d["code"]]
            if got != want[:4]:
                notes.append(f"DISAGREES: {d['code']} {d['name']}: package {got}, official {want[:4]} ({want[4]})")
                line += f"  ≠ official {want[:4]} ({want[4]})"
            else:
                line += f"  = official ({want[4]})"
        print(line)
    c = {t: sum(1 for u in new_units if u["type"] == t) for t in UNIT_TYPES.values()}
    got = (len(new_units), c["xã"], c["phường"])
    print(f"  from 1/7/2025: {got[0]} ({got[1]} xã, {got[2]} phường)", end="")
    if got != OFFICIAL_AFTER[:3]:
        notes.append(f"DISAGREES: 2025 list: package {got}, official {OFFICIAL_AFTER[:3]}")
        print(f"  ≠ official {OFFICIAL_AFTER[:3]}")
    else:
        print(f"  = official ({OFFICIAL_AFTER[3]})")
    verified: dict[str, str] = {}
    by_code = {u["code"]: u for u in new_units}
    for code, chk in conversion_checks.items():
        u = by_code.get(code)
        if u is None or u["full"] != chk["name"]:
            notes.append(f"DISAGREES: new unit {code} is not {chk['name']} in the package")
            continue
        olds = {(f["old"]["district"], f["old"]["full"]) for f in u["from"]}
        if olds != chk["olds"] or any(f["part"] for f in u["from"]):
            notes.append(f"DISAGREES: {chk['name']}: package {sorted(olds)}, resolution {sorted(chk['olds'])}")
            continue
        verified[code] = chk["source"]
        print(f"  {code} {chk['name']}: former units agree with the resolution's text")
    return notes, verified


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="folder to write (default units/lang-son)")
    ap.add_argument("--date", default=dt.date.today().isoformat(), help="generation date written in the files")
    ap.add_argument("--check", action="store_true", help="compare with the files in --out; write nothing")
    args = ap.parse_args()
    try:
        dt.date.fromisoformat(args.date)
    except ValueError:
        fail(f"--date {args.date}: expected YYYY-MM-DD")

    version = importlib.metadata.version(PACKAGE)
    pkg = package_dir()
    print(f"{PACKAGE} {version} at {pkg}")
    before_rows, after_rows, conv = load(pkg)
    districts, new_units, problems = build(before_rows, after_rows, conv)
    if problems:
        for p in problems:
            print(f"gen-units: {p}", file=sys.stderr)
        fail(f"{len(problems)} inconsistencies in the package data; nothing written")

    print("counts (package vs official figures found):")
    notes, verified = check_official(districts, new_units, CHECKED_CONVERSIONS)
    splits = [(f["old"], u) for u in new_units for f in u["from"] if f["part"]]
    print(f"  conversion: {sum(len(u['from']) for u in new_units)} pairs, {len(splits)} of them partial:")
    for o, u in splits:
        print(f"    {o['code']} {o['full']} ({o['district']}) -> {u['code']} {u['full']}")

    def render(date: str) -> dict[str, str]:
        return {
            f"{BEFORE_ID}.toml": render_before(districts, version, date),
            f"{AFTER_ID}.toml": render_after(new_units, version, date),
            f"conversion-{AFTER_ID}.toml": render_conversion(new_units, version, date, verified),
        }

    files = render(args.date)
    for name, text in files.items():
        tomllib.loads(text)  # what is written must read back
    if args.check:
        differ = []
        for name in files:
            path = args.out / name
            if not path.exists():
                differ.append(f"{name} (missing)")
                continue
            old = path.read_text(encoding="utf-8")
            # Compare as if generated on the committed file's date.
            date = tomllib.loads(old).get("generated", {}).get("date", args.date)
            if old != render(str(date))[name]:
                differ.append(name)
        if differ:
            fail(f"differs from what the package gives (the generation date aside): {', '.join(differ)}")
        print("the committed files match the package")
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            tmp = args.out / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(args.out / name)
            print(f"wrote {args.out / name}")
    for n in notes:
        print(n)
    if notes:
        print(f"{len(notes)} disagreement(s) with official figures: report them in docs/units.md")


if __name__ == "__main__":
    main()
