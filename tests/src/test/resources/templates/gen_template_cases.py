"""Writes template_cases.json: chat-template renderings by the reference Jinja2, configured as transformers
renders chat templates (src/transformers/utils/chat_template_utils.py, _compile_jinja_template):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[generation, loopcontrols]),
tojson = json.dumps(ensure_ascii=False, ...), raise_exception.

Pinned: Python 3.11, Jinja2 3.1.6 (MarkupSafe 3.0.3). Run from this folder: python gen_template_cases.py
Each case: name, template (inline text or a file here), variables, and either the expected output or the
error Jinja raises. The Java side (JinjaTemplateTest) renders every case and compares byte for byte.
"""
import json
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

assert jinja2.__version__ == "3.1.6", jinja2.__version__


class Generation(Extension):
    """transformers' AssistantTracker tag, without the tracking (renders its body)."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

HERE = Path(__file__).parent
cases = []


def case(name, template, variables=None, file=None):
    variables = variables or {}
    source = (HERE / file).read_text() if file else template
    entry = {"name": name, "variables": variables}
    if file:
        entry["file"] = file
    else:
        entry["template"] = template
    try:
        entry["expected"] = env.from_string(source).render(**variables)
    except Exception as e:  # the Java side must fail too
        entry["error"] = type(e).__name__ + ": " + str(e)
    cases.append(entry)


# ---- the GLM templates on transformers-style conversations --------------------------------------------------
IMG = {"type": "image"}
VID = {"type": "video"}
def T(t): return {"type": "text", "text": t}

conversations = {
    "one_image": [{"role": "user", "content": [IMG, T("What is shown?")]}],
    "text_string": [{"role": "user", "content": "Hello"}],
    "text_list": [{"role": "user", "content": [T("Hello")]}],
    "system_two_turns": [
        {"role": "system", "content": "SYS"},
        {"role": "user", "content": [T("Q1"), IMG]},
        {"role": "assistant", "content": "A1"},
        {"role": "user", "content": [VID, T("Q2")]},
    ],
    "metadata": [
        {"role": "user", "content": [T("Find the button")]},
        {"role": "assistant", "metadata": "tool_name", "content": "{\"x\": 1}"},
        {"role": "user", "content": [IMG, IMG, T("and these?")]},
    ],
    "whitespace_and_specials": [
        {"role": "system", "content": "  lead and trail  \n"},
        {"role": "user", "content": [T("<|user|> typed\n\n"), IMG, T(" tail ")]},
        {"role": "assistant", "content": "\nA\n"},
        {"role": "user", "content": "emoji 😀 ü"},
    ],
    "thinking_history": [
        {"role": "user", "content": [T("2+2?")]},
        {"role": "assistant", "content": "<think>\nadd them\n</think>\n<answer>4</answer>"},
        {"role": "user", "content": [T("and 3+3?")]},
    ],
    "empty_user": [{"role": "user", "content": []}],
}
for name, messages in conversations.items():
    for gen in (True, False):
        case(f"glm41v/{name}/gen={gen}", None, {"messages": messages, "add_generation_prompt": gen},
             file="glm-4.1v-9b-thinking.jinja")
        case(f"glmocr/{name}/gen={gen}", None, {"messages": messages, "add_generation_prompt": gen, "tools": None},
             file="glm-ocr.jinja")

tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city — °C",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
agent = [
    {"role": "system", "content": [T("You are terse.")]},
    {"role": "user", "content": [IMG, T("Weather where this photo was taken?")]},
    {"role": "assistant", "content": "", "reasoning_content": "Looks like Paris.",
     "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2, "units": ["C"]}}}]},
    {"role": "tool", "content": "{\"temp\": 21}"},
    {"role": "tool", "content": [{"type": "text", "text": "second"}, {"type": "image_url"}, {"type": "Other", "x": 1}, "plain"]},
    {"role": "assistant", "content": "<think>\nsunny\n</think>\nIt is 21 °C."},
]
case("glmocr/agent", None, {"messages": agent, "tools": tools, "add_generation_prompt": True}, file="glm-ocr.jinja")
case("glmocr/agent_nothink", None, {"messages": agent[:2], "tools": tools, "add_generation_prompt": True,
                                    "enable_thinking": False}, file="glm-ocr.jinja")
case("glmocr/nothink_already", None, {"messages": [{"role": "user", "content": "hi /nothink"}],
                                      "add_generation_prompt": True, "enable_thinking": False}, file="glm-ocr.jinja")

# ---- language features ---------------------------------------------------------------------------------------
F = [
    ("ws/trim_lstrip", "a\n  {% if true %}\n    b\n  {% endif %}\nc\n", {}),
    ("ws/minus", "a  \n {%- if true -%}  \n b {{- ' c ' -}}  d {# x #} e {#- y -#} f {%- endif %}  g", {}),
    ("ws/plus", "a\n  {%+ if true +%}\nb\n  {%+ endif %}\nc", {}),
    ("ws/variable_no_lstrip", "x\n    {{ 1 }}\n  {# c #}\ny", {}),
    ("ws/crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n", {}),
    ("ws/raw", "{% raw %}\n  {{ not }} {% this %}\n  {% endraw %}\nz", {}),
    ("ws/comment_lstrip", "a\n   {# note #}\nb", {}),
    ("ws/tab_data", "\t{% if true %}x{% endif %}\t", {}),
    ("for/loop_vars", "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
     "{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.previtem }}{{ loop.nextitem }}|{% endfor %}", {"xs": ["a", "b", "c"]}),
    ("for/else_filter", "{% for x in xs if x > 1 %}{{ x }}{{ loop.length }}{% else %}none{% endfor %}"
     "{% for x in [] %}{% else %}empty{% endfor %}", {"xs": [1, 2, 3]}),
    ("for/break_continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("for/unpack_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}", {"d": {"b": 1, "a": [1, 2]}}),
    ("for/nested_loop_cycle", "{% for a in [1,2] %}{% for b in 'xy' %}{{ loop.depth }}{{ loop.cycle('o','e') }}{{ a }}{{ b }} {% endfor %}{% endfor %}", {}),
    ("scope/loop_does_not_leak", "{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = x + 10 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("scope/namespace_none", "{% set ns = namespace(v=none) %}{{ ns.v is none }} {{ ns.v }} {{ ns['v'] is none }} {{ ns.missing is defined }}"
     "{% for x in [none, 1] %}{{ loop.previtem is defined }}{{ loop.nextitem }}{{ loop['index'] }}{% endfor %}", {}),
    ("scope/if_leaks", "{% if true %}{% set y = 5 %}{% endif %}{{ y }}", {}),
    ("scope/namespace", "{% set ns = namespace(n=0, s='') %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% set ns.s = ns.s ~ i %}{% endfor %}{{ ns.n }} {{ ns.s }}", {}),
    ("scope/set_tuple_block", "{% set a, b = 1, 'two' %}{{ a }}{{ b }}{% set blk %}  inner {{ a }}\n{% endset %}[{{ blk }}]{% set t %}x{% endset %}{{ t | upper }}", {}),
    ("macro/defaults_kwargs", "{% macro m(a, b='B', c=none) -%}<{{ a }}|{{ b }}|{{ c }}>{%- endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(1, c=3) }}{{ m('x') | length }}", {}),
    ("macro/sees_top_level", "{% set g = 'G' %}{% macro m() %}{{ g }}{{ v }}{% endmacro %}{{ m() }}", {"v": "V"}),
    ("if/elif_else", "{% for v in [0, 1, 2, none, '', 'x', [], [0]] %}{% if v == 1 %}one{% elif v %}T{% else %}F{% endif %}{% endfor %}", {}),
    ("expr/precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 6 / 3 }}", {}),
    ("expr/concat_and_or", "{{ 'a' ~ 1 ~ none ~ true }} {{ 0 or 'x' }} {{ 1 and 'y' }} {{ none or [] }} {{ not 0 }} {{ not x is defined }}", {}),
    ("expr/compare_chain", "{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 'a' < 'b' }} {{ [1,2] < [1,3] }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' != 'a' }}", {}),
    ("expr/in", "{{ 'b' in 'abc' }} {{ 2 in [1,2] }} {{ 'k' in d }} {{ 'z' not in d }} {{ 'x' in undefined_thing }}", {"d": {"k": 1}}),
    ("expr/cond", "{{ 'yes' if x else 'no' }}|{{ 'only if' if false }}|{{ 1 if 0 else 2 if 0 else 3 }}", {"x": [1]}),
    ("expr/literals", "{{ [1, 'a', none, true, 1.5, (1,), (), {'k': 'v', 1: 2}] }} {{ (1, 2) }} {{ {} }} {{ 'it''s' }} {{ \"q'\" }} {{ 'a' 'b' }}", {}),
    ("expr/floats", "{{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1.5e-5 }} {{ 100.0 }} {{ 1/3 }} {{ 2.0 ** 70 }} {{ 1e-4 }} {{ 123456789012345680.0 }} {{ -0.0 }}", {}),
    ("expr/string_escapes", "{{ 'tab\\there\\nnew \\\\ \\x41\\u00e9 \\d' }}", {}),
    ("expr/slices", "{{ s[1:] }}|{{ s[:-1] }}|{{ s[::-1] }}|{{ s[::2] }}|{{ xs[-2:] }}|{{ xs[5:] }}|{{ s[-1] }}|{{ xs[1] }}|{{ s[1:-1:2] }}", {"s": "h😀llo", "xs": [1, 2, 3]}),
    ("expr/attr_vs_item", "{{ d.items is defined }} {{ d['items'] }} {{ d.missing }}|{{ d.get('x', 'dflt') }} {{ d.keys() | list }} {{ d.values() | list }}", {"d": {"items": "key-not-method", "k": 1}}),
    ("expr/undefined_prints_empty", "[{{ nope }}][{{ d.nope }}][{{ xs[9] }}]{{ nope | default('D') }}{{ '' | default('E', true) }}{{ none | default('F') }}", {"d": {}, "xs": []}),
    ("filters/strings", "{{ '  a b  ' | trim }}|{{ 'xxaxx' | trim('x') }}|{{ 'aBc' | upper }}{{ 'AbC' | lower }}|{{ 'hello world-wide (x)' | title }}|{{ 'hELLO' | capitalize }}|{{ 'aaa' | replace('a', 'b', 2) }}|{{ 'abc' | reverse }}", {}),
    ("filters/lists", "{{ xs | length }} {{ xs | first }} {{ xs | last }} {{ xs | join(', ') }} {{ xs | reverse | list }} {{ xs | sort }} {{ xs | sort(reverse=true) }} {{ ['b','A','a'] | sort }} {{ ['b','A','a'] | unique | list }} {{ xs | sum }} {{ xs | min }} {{ xs | max }}", {"xs": [3, 1, 2]}),
    ("filters/select_map", "{{ ms | selectattr('role', 'equalto', 'user') | map(attribute='content') | join('+') }} {{ ms | rejectattr('role', 'eq', 'user') | list | length }} {{ [0,1,2,'',none] | select | list }} {{ [1,2,3,4] | select('odd') | list }} {{ [1,2,3] | reject('even') | list }} {{ ['a','b'] | map('upper') | list }}", {"ms": [{"role": "user", "content": "u1"}, {"role": "system", "content": "s"}, {"role": "user", "content": "u2"}]}),
    ("filters/numbers", "{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int(7) }} {{ 3.7 | int }} {{ '2.5' | float }} {{ -3 | abs }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 2.1 | round(0, 'ceil') }} {{ 5 | string }} {{ 1.0 | string }}", {}),
    ("filters/tojson", "{{ v | tojson }}|{{ v | tojson(indent=2) }}|{{ v | tojson(sort_keys=true, separators=(',', ':')) }}|{{ 'é\"\\n' | tojson(ensure_ascii=true) }}", {"v": {"b": [1, 2.5, None, True, "ü"], "a": {}, "c": []}}),
    ("filters/items_dictsort", "{% for k, v in d | items %}{{ k }}{{ v }}{% endfor %} {{ d | dictsort }} {{ d | dictsort(by='value', reverse=true) }}", {"d": {"b": 2, "a": 3, "C": 1}}),
    ("tests/all", "{{ x is defined }}{{ y is undefined }}{{ none is none }}{{ 1 is number }}{{ true is number }}{{ 1 is integer }}{{ true is integer }}{{ 1.0 is float }}"
     "{{ 's' is string }}{{ d is mapping }}{{ [] is iterable }}{{ 's' is iterable }}{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 2 is in [1,2] }}"
     "{{ 'ab' is lower }}{{ 'AB' is upper }}{{ '1' is lower }}{{ true is boolean }}{{ true is true }}{{ 0 is false }}{{ 3 is gt 2 }}{{ 3 is ge(4) }}{{ 1 is eq 1 }}{{ range is callable }}{{ d is not string }}",
     {"x": 1, "d": {}}),
    ("methods/strings", "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a b c'.rsplit(' ', 1) }}"
     "|{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}|{{ 'hello world'.title() }}|{{ 'aXb'.replace('X', '--') }}|{{ 'abcb'.find('b') }}{{ 'abcb'.rfind('b') }}{{ 'abcb'.count('b') }}"
     "|{{ '-'.join(['x', 'y']) }}|{{ 'l1\\nl2\\r\\nl3'.splitlines() }}|{{ '12'.isdigit() }}{{ 'ab1'.isalpha() }}|{{ s.upper() }}",
     {"s": "  \u00a0 padded\t \n"}),
    ("repr/printing", "{{ none }} {{ true }} {{ [none, false, 'x\\'y', \"a\\\"b\", 'a\\'b\"c', '\\t\\x01é😀'] }} {{ {'a': (1,)} }} {{ [1.0, 2.5e-07] }}", {}),
    ("unicode/len", "{{ s | length }} {{ s[2] }} {{ s | list | length }} {{ s.upper() }}", {"s": "a😀bß"}),
    ("generation/block", "A{% generation %}B{{ 1 }}{% endgeneration %}C", {}),
    ("global/range", "{{ range(3) | list }} {{ range(1, 10, 3) | list }} {{ range(5, 0, -2) | list }}", {}),
    ("errors/raise", "{% if true %}{{ raise_exception('bad role: ' ~ r) }}{% endif %}", {"r": "tool"}),
    ("errors/undefined_attr", "{{ nope.attr }}", {}),
    ("errors/add_str_int", "{{ 'a' + 1 }}", {}),
    ("errors/unknown_filter", "{{ x | frobnicate }}", {"x": 1}),
    ("errors/unknown_tag", "{% frob %}", {}),
    ("errors/unterminated", "{% if true %}x", {}),
    ("errors/assign_non_namespace", "{% set d = {} %}{% set d.x = 1 %}", {}),
    ("errors/sandbox_append", "{% set xs = [] %}{{ xs.append(1) }}", {}),
]
for name, tpl, variables in F:
    case(name, tpl, variables)

(HERE / "template_cases.json").write_text(json.dumps({"jinja2": jinja2.__version__, "cases": cases}, ensure_ascii=False, indent=1) + "\n")
print(len(cases), "cases")
