"use client";
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { usePathname, useRouter } from "next/navigation";
import { authApi, onSessionExpired, restoreSession, unwrap } from "@/api/client";
import { getTokens, hadSession, onTokens, setTokens, tokenRoles, type Tokens } from "@/api/session";
import type { auth } from "@/api/generated";

export type Profile = auth.components["schemas"]["Profile"];
type TokenResponse = auth.components["schemas"]["TokenResponse"];

type SessionState = {
  ready: boolean;
  leaving: boolean;
  /** The session ended because it could not be refreshed (not by signing out). */
  expired: boolean;
  tokens: Tokens | null;
  profile: Profile | null;
  roles: string[];
  signIn: (t: TokenResponse) => Promise<Profile | null>;
  signOut: (to?: string) => Promise<void>;
  reloadProfile: () => Promise<void>;
};

const Ctx = createContext<SessionState | null>(null);

export const SIGN_IN = "/banking-service/sign-in/";

export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [ready, setReady] = useState(false);
  const [tokens, setTokenState] = useState<Tokens | null>(null);
  const [profile, setProfile] = useState<Profile | null>(null);
  // True between "sign out" and arriving on the target page, so guards do not bounce to sign-in.
  const [leaving, setLeaving] = useState(false);
  const [expired, setExpired] = useState(false);
  useEffect(() => setLeaving(false), [pathname]);

  const loadProfile = useCallback(async () => {
    if (!getTokens()) {
      setProfile(null);
      return null;
    }
    try {
      const me = await unwrap(authApi.GET("/api/auth/me"));
      setProfile(me);
      return me;
    } catch {
      setProfile(null);
      return null;
    }
  }, []);

  useEffect(() => {
    setTokenState(getTokens());
    const off = onTokens((t) => setTokenState(t));
    // After a reload the access token is gone (memory only): the refresh cookie brings the session back.
    const restore = !getTokens() && hadSession() ? restoreSession() : Promise.resolve(false);
    restore.then(loadProfile).finally(() => setReady(true));
    return () => {
      off();
    };
  }, [loadProfile]);

  useEffect(
    () =>
      onSessionExpired(() => {
        setExpired(true);
        setProfile(null);
        const here = window.location.pathname + window.location.search;
        const target = here.startsWith("/office") ? "/office/" : SIGN_IN;
        router.replace(`${target}?expired=1&next=${encodeURIComponent(here)}`);
      }),
    [router, pathname],
  );

  const signIn = useCallback(
    async (t: TokenResponse) => {
      setTokens({ access_token: t.access_token, expires_in: t.expires_in });
      setExpired(false);
      // Not loadProfile(): a refusal here (a 429 on /me right after a good login) must reach the form.
      const me = await unwrap(authApi.GET("/api/auth/me"));
      setProfile(me);
      return me;
    },
    [],
  );

  const signOut = useCallback(
    async (to = "/banking-service/") => {
      setLeaving(true);
      try {
        await authApi.POST("/api/auth/logout", { credentials: "same-origin" }); // revokes and clears the cookie
      } catch {
        /* the local session ends regardless */
      }
      setTokens(null);
      setProfile(null);
      router.replace(to);
    },
    [router],
  );

  const value: SessionState = {
    ready,
    leaving,
    expired,
    tokens,
    profile,
    roles: profile?.roles ?? tokenRoles(tokens?.access_token),
    signIn,
    signOut,
    reloadProfile: async () => {
      await loadProfile();
    },
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}
