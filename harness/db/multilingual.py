"""Multilingual samples that must round-trip byte-exact, and what the server says about encodings."""

from __future__ import annotations

from typing import Any

from harness.db.connection import DbConnection
from harness.db.dialects import dialect_of

#: name -> text; GB18030-only characters (outside GBK, 4-byte in GB18030, astral in Unicode) included
SAMPLES: dict[str, str] = {
    "zh": "中华人民共和国信息技术应用创新",
    "zh_gb18030_only": "𠀀𠀁𪚥𫝀䶮㵘",  # U+20000, U+20001, U+2A6A5, U+2B740, U+4DAE, U+3D58
    "zh_rare_surnames": "王䶮 李𠀀 陶喆 张堃 赵𪚥 刘龑 禤 亓官",
    "ru": "Съешь же ещё этих мягких французских булок, да выпей чаю. Ёё",
    "kk_cyrl": "Қазақстан Республикасы: әңгіме, ғылым, ұлт, үй, өнер, һ, і",
    "kk_latn": "Qazaqstan Respublikasy: äñgıme, ğylym, ūlt, üi, öner",
    "uz_cyrl": "Ўзбекистон Республикаси: ғазал, қўшиқ, ҳаёт",
    "uz_latn": "Oʻzbekiston Respublikasi: gʻazal, qoʻshiq, hayot",
    "ar": "مرحبا بالعالم، ١٢٣ — اللغة العربية",
    "emoji": "😀👍🏽👨‍👩‍👧‍👦🇨🇳🇷🇺🇰🇿",
    "nfd": "e\u0301 a\u0308 \u0418\u0306",  # decomposed: must not come back normalized
}

#: words whose ORDER BY tells which collation sorts them (reported, not judged)
SORT_WORDS = ("张", "王", "李", "赵", "阿", "Ёлка", "Елена", "Анна", "Zebra", "apple", "Äpfel")


def roundtrip(conn: DbConnection) -> dict[str, dict[str, Any]]:
    """Write every sample and read it back; per sample: byte-exact, server byte and char counts."""
    d = dialect_of(conn)
    conn.execute(f"CREATE TABLE xc_i18n (k VARCHAR(40) PRIMARY KEY, v {d.varchar(400)}, t {d.text_type})")
    p = conn.ph
    for key, text in SAMPLES.items():
        conn.execute(f"INSERT INTO xc_i18n (k, v, t) VALUES ({p(3)})", (key, text, text))
    conn.commit()
    rows = conn.query(f"SELECT k, v, t, {d.octet_length}(v), {d.char_length}(v) FROM xc_i18n")
    conn.rollback()
    out: dict[str, dict[str, Any]] = {}
    for key, v, t, octets, chars in rows:
        text = SAMPLES[str(key)]
        tv = t.read() if hasattr(t, "read") else t
        out[str(key)] = {
            "exact": isinstance(v, str) and v.encode("utf-8") == text.encode("utf-8") and tv == text,
            "server_octets": None if octets is None else int(octets),
            "utf8_octets": len(text.encode("utf-8")),
            "server_chars": None if chars is None else int(chars),
            "code_points": len(text),
            "got": v if isinstance(v, str) and v != text else None,
        }
    for key in SAMPLES:
        out.setdefault(key, {"exact": False, "missing": True})
    return out


def encodings(conn: DbConnection) -> dict[str, str]:
    """Server, database and client encodings and the collation, as the server reports them."""
    sql, keys = dialect_of(conn).encodings_sql
    rows = conn.query(sql)
    conn.rollback()
    return {k: str(v) for k, v in zip(keys, rows[0], strict=True)} if rows else {}


def sort_order(conn: DbConnection) -> list[str]:
    """The order the database's default collation puts SORT_WORDS in."""
    conn.execute("CREATE TABLE xc_sort (v VARCHAR(40))")
    conn.executemany(f"INSERT INTO xc_sort (v) VALUES ({conn.ph()})", [(w,) for w in SORT_WORDS])
    conn.commit()
    order = [str(r[0]) for r in conn.query("SELECT v FROM xc_sort ORDER BY v")]
    conn.rollback()
    return order
