// A flight-booking corpus made from templates, for slot filling: the seeds' running example. The same city must
// be tagged destination or departure depending on the verb before it ("arrive Taipei" vs "leave Taipei"), and the
// date must be tagged arrival or departure time by the same cue, several words back.
import type { Generator } from '@loom/core';

/** The slot tags, in a fixed order: a tag's index is its class id. */
export const TAGS = ['other', 'dest', 'depart', 'arrive-time', 'depart-time'] as const;
export type Tag = (typeof TAGS)[number];

/** A sentence: words and one tag per word. */
export interface Sentence {
  readonly words: string[];
  readonly tags: Tag[];
}

const TRAIN_CITIES = ['taipei', 'tokyo', 'boston', 'paris', 'denver', 'seattle', 'london', 'sydney', 'madrid', 'oslo', 'lima', 'cairo'];
/** Cities that appear only in held-out sentences: unknown words, to be tagged from context alone. */
const HELD_OUT_CITIES = ['dublin', 'nairobi', 'quito', 'hanoi'];
const MONTHS = ['january', 'march', 'may', 'july', 'september', 'november', 'december'];
const DAYS = ['1st', '2nd', '3rd', '5th', '12th', '21st', '30th'];
const OPENERS = [[], ['i', 'want', 'to'], ['i', 'would', 'like', 'to'], ['please'], ['can', 'i'], ['we', 'need', 'to']];

type Part = [string[], Tag] | ((g: Generator, city: () => string) => [string[], Tag][]);

const date =
  (tag: Tag) =>
  (g: Generator): [string[], Tag][] => [
    [['on'], 'other'],
    [[pick(g, MONTHS), pick(g, DAYS)], tag],
  ];

/** Each template is a list of parts; a city slot draws from the split's cities. */
const TEMPLATES: Part[][] = [
  [[['arrive', 'in'], 'other'], (_g, city) => [[[city()], 'dest']], date('arrive-time')],
  [[['arrive'], 'other'], (_g, city) => [[[city()], 'dest']], date('arrive-time')],
  [[['leave'], 'other'], (_g, city) => [[[city()], 'depart']], date('depart-time')],
  [[['depart', 'from'], 'other'], (_g, city) => [[[city()], 'depart']], date('depart-time')],
  [
    [['fly', 'from'], 'other'],
    (_g, city) => [
      [[city()], 'depart'],
      [['to'], 'other'],
      [[city()], 'dest'],
    ],
    date('depart-time'),
  ],
  [[['get', 'to'], 'other'], (_g, city) => [[[city()], 'dest']], date('arrive-time')],
  [
    [['be', 'in'], 'other'],
    (_g, city) => [
      [[city()], 'dest'],
      [['by'], 'other'],
    ],
    (g) => date('arrive-time')(g).slice(1),
  ],
  // The cue comes after the slot here: only a model that also reads right to left can tag these.
  [date('arrive-time'), [['i', 'arrive', 'in'], 'other'], (_g, city) => [[[city()], 'dest']]],
  [date('depart-time'), [['i', 'leave'], 'other'], (_g, city) => [[[city()], 'depart']]],
  [(_g, city) => [[[city()], 'dest']], [['is', 'where', 'i', 'arrive'], 'other'], date('arrive-time')],
  [(_g, city) => [[[city()], 'depart']], [['is', 'where', 'i', 'leave'], 'other'], date('depart-time')],
];

/**
 * `count` sentences from the templates. Held-out sentences use a mix of training and unseen cities, so their
 * accuracy measures tagging from context.
 */
export function makeCorpus(count: number, g: Generator, heldOut = false): Sentence[] {
  const cities = heldOut ? [...TRAIN_CITIES, ...HELD_OUT_CITIES] : TRAIN_CITIES;
  return Array.from({ length: count }, () => {
    const words: string[] = [...pick(g, OPENERS)];
    const tags: Tag[] = words.map(() => 'other');
    for (const part of pick(g, TEMPLATES)) {
      for (const [w, tag] of typeof part === 'function' ? part(g, () => pick(g, cities)) : [part]) {
        words.push(...w);
        tags.push(...w.map(() => tag));
      }
    }
    return { words, tags };
  });
}

/** Word ids: 0 is padding, 1 is "other" (any word not seen in training: 1-of-N with an unknown slot). */
export class Vocabulary {
  private readonly ids = new Map<string, number>();

  /** Builds the vocabulary from the training sentences. */
  constructor(sentences: readonly Sentence[]) {
    for (const s of sentences) for (const w of s.words) if (!this.ids.has(w)) this.ids.set(w, this.ids.size + 2);
  }

  /** Number of ids, padding and "other" included. */
  get size(): number {
    return this.ids.size + 2;
  }

  /** The id of a word; unknown words share id 1. */
  id(word: string): number {
    return this.ids.get(word) ?? 1;
  }
}

function pick<T>(g: Generator, items: readonly T[]): T {
  return items[g.int(0, items.length)]!;
}
