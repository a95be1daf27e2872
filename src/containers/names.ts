// Container IDs and names as Docker makes them: 64 random hex digits (short form: the first 12), and
// generated names "adjective_surname". Docker never generates "boring_wozniak"; neither do we.
import { randomBytes } from 'node:crypto';
import { InvalidParameter } from '../errors.js';

const ADJECTIVES = [
  'admiring', 'adoring', 'affectionate', 'agitated', 'amazing', 'angry', 'awesome', 'beautiful', 'blissful',
  'bold', 'boring', 'brave', 'busy', 'charming', 'clever', 'cool', 'compassionate', 'competent', 'condescending',
  'confident', 'cranky', 'crazy', 'dazzling', 'determined', 'distracted', 'dreamy', 'eager', 'ecstatic',
  'elastic', 'elated', 'elegant', 'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'flamboyant', 'focused',
  'friendly', 'frosty', 'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'great', 'happy', 'hardcore',
  'heuristic', 'hopeful', 'hungry', 'infallible', 'inspiring', 'interesting', 'intelligent', 'jolly', 'jovial',
  'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical', 'mystifying', 'modest', 'musing', 'naughty',
  'nervous', 'nice', 'nifty', 'nostalgic', 'objective', 'optimistic', 'peaceful', 'pedantic', 'pensive',
  'practical', 'priceless', 'quirky', 'quizzical', 'recursing', 'relaxed', 'reverent', 'romantic', 'sad',
  'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange', 'stupefied', 'suspicious', 'sweet', 'tender',
  'thirsty', 'trusting', 'unruffled', 'upbeat', 'vibrant', 'vigilant', 'vigorous', 'wizardly', 'wonderful',
  'xenodochial', 'youthful', 'zealous', 'zen',
];

const SURNAMES = [
  'albattani', 'allen', 'almeida', 'agnesi', 'archimedes', 'ardinghelli', 'aryabhata', 'austin', 'babbage',
  'banach', 'bardeen', 'bartik', 'bassi', 'beaver', 'bell', 'benz', 'bhabha', 'bhaskara', 'blackwell', 'bohr',
  'booth', 'borg', 'bose', 'boyd', 'brahmagupta', 'brattain', 'brown', 'burnell', 'cannon', 'carson', 'cartwright',
  'cerf', 'chandrasekhar', 'chaplygin', 'chatelet', 'chatterjee', 'chebyshev', 'clarke', 'colden', 'cori',
  'cray', 'curie', 'darwin', 'davinci', 'dijkstra', 'dirac', 'driscoll', 'dubinsky', 'easley', 'edison',
  'einstein', 'elbakyan', 'elgamal', 'elion', 'ellis', 'engelbart', 'euclid', 'euler', 'faraday', 'feistel',
  'fermat', 'fermi', 'feynman', 'franklin', 'gagarin', 'galileo', 'galois', 'ganguly', 'gates', 'gauss',
  'germain', 'goldberg', 'goldstine', 'goldwasser', 'golick', 'goodall', 'gould', 'greider', 'grothendieck',
  'haibt', 'hamilton', 'haslett', 'hawking', 'heisenberg', 'hellman', 'hermann', 'herschel', 'hertz', 'heyrovsky',
  'hodgkin', 'hofstadter', 'hoover', 'hopper', 'hugle', 'hypatia', 'jackson', 'jang', 'jennings', 'jepsen',
  'johnson', 'joliot', 'jones', 'kalam', 'kapitsa', 'kare', 'keldysh', 'keller', 'kepler', 'khayyam', 'khorana',
  'kilby', 'kirch', 'knuth', 'kowalevski', 'lalande', 'lamarr', 'lamport', 'leakey', 'leavitt', 'lederberg',
  'lehmann', 'lewin', 'lichterman', 'liskov', 'lovelace', 'lumiere', 'mahavira', 'margulis', 'matsumoto',
  'maxwell', 'mayer', 'mccarthy', 'mcclintock', 'mclaren', 'mclean', 'mcnulty', 'meitner', 'mendel', 'mendeleev',
  'merkle', 'mestorf', 'mirzakhani', 'montalcini', 'moore', 'morse', 'moser', 'murdock', 'napier', 'nash',
  'neumann', 'newton', 'nightingale', 'nobel', 'noether', 'northcutt', 'noyce', 'panini', 'pare', 'pascal',
  'pasteur', 'payne', 'perlman', 'pike', 'poincare', 'poitras', 'proskuriakova', 'ptolemy', 'raman', 'ramanujan',
  'rhodes', 'ride', 'ritchie', 'robinson', 'roentgen', 'rosalind', 'rubin', 'saha', 'sammet', 'sanderson',
  'satoshi', 'shamir', 'shannon', 'shaw', 'shirley', 'shockley', 'shtern', 'sinoussi', 'snyder', 'solomon',
  'spence', 'stonebraker', 'sutherland', 'swanson', 'swartz', 'swirles', 'taussig', 'tereshkova', 'tesla',
  'tharp', 'thompson', 'torvalds', 'tu', 'turing', 'varahamihira', 'vaughan', 'villani', 'visvesvaraya',
  'volhard', 'wescoff', 'wilbur', 'wiles', 'williams', 'williamson', 'wilson', 'wing', 'wozniak', 'wright', 'wu',
  'yalow', 'yonath', 'zhukovsky',
];

function pick<T>(list: readonly T[]): T {
  return list[randomBytes(2).readUInt16BE(0) % list.length]!;
}

/** A fresh name that `taken` does not know; after a few collisions a digit is appended, as Docker does. */
export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    let name = `${pick(ADJECTIVES)}_${pick(SURNAMES)}`;
    if (name === 'boring_wozniak') continue; // Steve Wozniak is not boring (Docker's own exception)
    if (attempt > 3) name += String(randomBytes(1)[0]! % 10);
    if (!taken(name)) return name;
  }
}

export function generateId(): string {
  return randomBytes(32).toString('hex');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Docker's name rule, with its error text. Returns the name without the leading slash. */
export function validateName(name: string): string {
  if (!VALID_NAME.test(name)) {
    throw new InvalidParameter(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.replace(/^\//, '');
}
