// The restricted-term matcher, in the browser: the twin of server/restrictions.py.
//
// Same rules, same results; the folding data (case, diacritics, Cyrillic in Latin
// letters, look-alike letters, HTML character references) comes from the server's own
// Python source through GET /matcher/fold.json, so there is no second table to keep.
//
//   import { loadMatcher, findRestricted } from '/static/js/matcher.js';
//   await loadMatcher();
//   findRestricted('Saw Ali**muly**', ['Alimuly']);  // {term: 'Alimuly', start: 4, end: 13}
//
// start and end are UTF-16 indices (what textarea.setSelectionRange takes); the server
// reports the same span in code points.

const IGNORED = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const LETTER = /^[\p{L}\p{N}\p{Mc}]$/u;
const UPPER = /^[\p{Lu}\p{Lt}]$/u;
const LOWER = /^\p{Ll}$/u;
const ESCAPE =
  /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));|(?:%[0-9A-Fa-f]{2})+/g;
const SPACED = 3;

let data = null;
let loading = null;
const compiled = new Map();

/** Fetch the folding data once; resolves when findRestricted may be called. */
export function loadMatcher(url = '/matcher/fold.json') {
  if (!loading) {
    loading = fetch(url, { credentials: 'same-origin' })
      .then((response) => {
        if (!response.ok) throw new Error(`matcher data: HTTP ${response.status}`);
        return response.json();
      })
      .then((json) => {
        data = prepare(json);
        return true;
      })
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

export function matcherLoaded() {
  return data !== null;
}

function prepare(json) {
  const sources = json.rewrites.map(([source]) => [...source].join('\\|?'));
  return {
    fold: new Map(Object.entries(json.fold)),
    rewrite: new RegExp(sources.join('|'), 'gu'),
    rewritten: new Map(json.rewrites),
    markdown: new Set(json.markdown),
    entities: new Map(Object.entries(json.entities)),
  };
}

function foldChar(char) {
  if (data.fold.has(char)) {
    const value = data.fold.get(char);
    if (value === null) return null;
    return typeof value === 'string' ? [value, value] : value;
  }
  if (IGNORED.test(char)) return ['', ''];
  if (LETTER.test(char)) return [char, char];
  return null;
}

function letterCase(char) {
  return UPPER.test(char) ? 'u' : LOWER.test(char) ? 'l' : '';
}

function typed(text) {
  const units = [];
  let at = 0;
  for (const char of text) {
    units.push([char, at, at + char.length]);
    at += char.length;
  }
  return units;
}

function utf8Length(char) {
  const code = char.codePointAt(0);
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

function reference(match) {
  const [whole, decimal, hexadecimal, name] = match;
  if (name !== undefined) return data.entities.get(`${name};`) ?? null;
  if (decimal !== undefined || hexadecimal !== undefined) {
    const code = decimal !== undefined ? parseInt(decimal, 10) : parseInt(hexadecimal, 16);
    if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
      return String.fromCodePoint(code);
    }
    return null;
  }
  const bytes = new Uint8Array(whole.length / 3);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(whole.slice(3 * i + 1, 3 * i + 3), 16);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function rendered(text) {
  const units = [];
  let at = 0;
  const plain = (from, to) => {
    for (const [char, start, end] of typed(text.slice(from, to))) {
      units.push([char, start + from, end + from]);
    }
  };
  for (const match of text.matchAll(ESCAPE)) {
    const resolved = reference(match);
    if (resolved === null) continue;
    plain(at, match.index);
    const end = match.index + match[0].length;
    if (match[0].startsWith('%')) {
      let offset = match.index;
      for (const char of resolved) {
        const width = 3 * utf8Length(char);
        units.push([char, offset, offset + width]);
        offset += width;
      }
    } else {
      for (const char of resolved) units.push([char, match.index, end]);
    }
    at = end;
  }
  plain(at, text.length);
  return units;
}

function words(units, isRendered) {
  const found = [];
  let word = null;
  for (const [char, start, end] of units) {
    const folded = isRendered && data.markdown.has(char) ? ['', ''] : foldChar(char);
    if (folded === null) {
      word = null;
      continue;
    }
    if (word === null) {
      word = [];
      found.push(word);
    }
    if (folded[0] || folded[1]) word.push([folded[0], folded[1], letterCase(char), start, end]);
  }
  return found.filter((w) => w.length > 0);
}

function camelSteps(word) {
  const cases = word.map((letter) => letter[2] || '-').join('');
  const steps = new Set();
  if (!cases.slice(1).includes('u')) return steps;
  for (let i = 1; i < cases.length; i += 1) {
    const before = cases[i - 1];
    const here = cases[i];
    const after = i + 1 < cases.length ? cases[i + 1] : '';
    if (here === 'u' && (before === 'l' || (before === 'u' && after === 'l'))) steps.add(i);
  }
  return steps;
}

// A stream: folded letters, " " a word break, "|" a break a word may run across; and for
// each UTF-16 unit of it, the start and end of the original text it came from.
function stream(wordList, visual) {
  let out = '';
  const starts = [];
  const ends = [];
  const push = (text, start, end) => {
    out += text;
    for (let i = 0; i < text.length; i += 1) {
      starts.push(start);
      ends.push(end);
    }
  };
  const spaced = new Array(wordList.length).fill(false);
  let run = 0;
  for (let i = 0; i <= wordList.length; i += 1) {
    if (i < wordList.length && wordList[i].length === 1) {
      run += 1;
      continue;
    }
    if (run >= SPACED) for (let j = i - run; j < i; j += 1) spaced[j] = true;
    run = 0;
  }
  wordList.forEach((word, index) => {
    if (index) push(spaced[index] && spaced[index - 1] ? '|' : ' ', word[0][3], word[0][3]);
    const steps = camelSteps(word);
    word.forEach(([phonetic, look, , start, end], position) => {
      if (steps.has(position)) push('|', start, start);
      for (const char of visual ? look : phonetic) push(char, start, end);
    });
  });
  return rewrite(out, starts, ends);
}

function rewrite(text, starts, ends) {
  let out = '';
  const newStarts = [];
  const newEnds = [];
  let at = 0;
  for (const match of text.matchAll(data.rewrite)) {
    out += text.slice(at, match.index);
    newStarts.push(...starts.slice(at, match.index));
    newEnds.push(...ends.slice(at, match.index));
    const target = data.rewritten.get(match[0].replaceAll('|', ''));
    const last = match.index + match[0].length - 1;
    out += target;
    for (let i = 0; i < target.length; i += 1) {
      newStarts.push(starts[match.index]);
      newEnds.push(ends[last]);
    }
    at = match.index + match[0].length;
  }
  if (at === 0) return [text, starts, ends];
  out += text.slice(at);
  newStarts.push(...starts.slice(at));
  newEnds.push(...ends.slice(at));
  return [out, newStarts, newEnds];
}

function termWords(term, visual) {
  return stream(words(typed(term), false), visual)[0].split(/[ |]+/).filter(Boolean);
}

function pattern(wordList) {
  return wordList.map((word) => [...word].join('\\|?')).join('[ |]*');
}

function compile(terms) {
  const kept = [];
  const owner = [];
  const alternatives = [];
  for (const term of terms) {
    const variants = [];
    for (const visual of [false, true]) {
      const wordList = termWords(term, visual);
      if (wordList.length && !variants.includes(pattern(wordList))) variants.push(pattern(wordList));
    }
    if (!variants.length) continue;
    kept.push(term);
    for (const variant of variants) {
      alternatives.push(`(${variant})`);
      owner.push(kept.length - 1);
    }
  }
  const regex = alternatives.length
    ? new RegExp(`(?<![^ |])(?:${alternatives.join('|')})(?![^ |])`, 'u')
    : null;
  return { terms: kept, owner, regex };
}

function* streams(text) {
  const readings = [words(typed(text), false)];
  if ([...data.markdown, '&', '%'].some((char) => text.includes(char))) {
    readings.push(words(rendered(text), true));
  }
  for (const wordList of readings) {
    yield stream(wordList, false);
    if (wordList.some((word) => word.some((letter) => letter[0] !== letter[1]))) {
      yield stream(wordList, true);
    }
  }
}

/** The normalized form of a term ("" when nothing in it can be matched). */
export function normalizeTerm(term) {
  if (data === null) throw new Error('matcher.js: await loadMatcher() first');
  return termWords(term, false).join(' ');
}

/** The earliest restricted term in text: {term, start, end} (UTF-16 indices), or null. */
export function findRestricted(text, terms) {
  if (data === null) throw new Error('matcher.js: await loadMatcher() first');
  const key = JSON.stringify(terms);
  let matcher = compiled.get(key);
  if (matcher === undefined) {
    matcher = compile(terms);
    if (compiled.size >= 32) compiled.delete(compiled.keys().next().value);
    compiled.set(key, matcher);
  }
  if (matcher.regex === null || !text) return null;
  let best = null;
  for (const [folded, starts, ends] of streams(text)) {
    const match = matcher.regex.exec(folded);
    if (match === null) continue;
    const group = match.findIndex((value, index) => index > 0 && value !== undefined);
    const found = {
      start: starts[match.index],
      owner: matcher.owner[group - 1],
      end: ends[match.index + match[0].length - 1],
    };
    if (
      best === null ||
      found.start < best.start ||
      (found.start === best.start &&
        (found.owner < best.owner || (found.owner === best.owner && found.end < best.end)))
    ) {
      best = found;
    }
  }
  return best && { term: matcher.terms[best.owner], start: best.start, end: best.end };
}
