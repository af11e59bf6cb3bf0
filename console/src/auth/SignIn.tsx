import { useId, useState, type FormEvent } from 'react';
import { useSession } from './session';
import { claimsOf } from './token';

/** Paste a bearer token; it stays in this tab's session storage only. */
export function SignIn() {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const hintId = useId();
  const problemId = useId();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (!claimsOf(trimmed)) {
      setProblem('That is not a JWT (three base64url parts separated by dots).');
      return;
    }
    signIn(trimmed);
  };

  return (
    <section className="panel sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <form onSubmit={onSubmit}>
        <label htmlFor="token">Bearer token</label>
        <textarea
          id="token"
          rows={4}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-describedby={problem ? `${hintId} ${problemId}` : hintId}
          aria-invalid={problem ? true : undefined}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <p id={hintId} className="hint">
          Locally, <code>scripts/up.sh</code> prints a console link that signs you in, and{' '}
          <code>scripts/token.sh</code> mints tokens. The token is kept in this tab only and sent to
          the platform's APIs, never to the console's server.
        </p>
        {problem && (
          <p id={problemId} className="field-error">
            {problem}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}
